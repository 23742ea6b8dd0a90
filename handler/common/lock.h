/* lock: advisory locks on files, so two redock processes never work on
 * the same thing at once (the queue, a container). */
#pragma once

#include <stdbool.h>

/* Lock DIR/NAME.lock (created as needed, DIR too).  wait=false returns
 * -EWOULDBLOCK when another process holds it; wait=true waits until it is
 * free, or returns -EINTR once SIGTERM or SIGINT asked us to stop.
 * Returns an fd; closing it releases the lock. */
int lock_take(const char *dir, const char *name, bool wait);
