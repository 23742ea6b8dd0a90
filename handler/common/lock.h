/* lock: advisory locks on files, so two redock processes never work on
 * the same thing at once (the queue, a container). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Lock DIR/NAME.lock (created as needed, DIR too).  wait=false returns
 * -EWOULDBLOCK when another process holds it; wait=true waits until it is
 * free, or returns -EINTR once SIGTERM or SIGINT asked us to stop.
 * Returns an fd; closing it releases the lock. */
int lock_take(const char *dir, const char *name, bool wait);

/* room for lock_owner_hint's text: two paths' worth and the words */
#define LOCK_HINT_MAX 4352

/* Why DIR/NAME.lock may not open, for the message after a failed
 * lock_take: " (PATH belongs to USER, not to USER, who runs this)" when
 * the file, or DIR when the file is not there, belongs to another user;
 * "" otherwise.  Always terminates BUF. */
void lock_owner_hint(const char *dir, const char *name, char *buf, size_t size);
