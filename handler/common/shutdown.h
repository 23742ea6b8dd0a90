/* shutdown: SIGTERM and SIGINT as a request, not a death.
 *
 * systemd stops a unit with SIGTERM (RuntimeMaxSec=, systemctl stop,
 * shutdown).  Dying in the middle of a swap would leave the old container
 * stopped and renamed until the next run repairs it from the intent
 * record; so the signal only sets a flag.  The update in progress rolls
 * back if its new container has not proved itself yet (or does not start
 * the swap at all), the drain keeps the jobs it has not done, and the
 * process exits well inside TimeoutStopSec=. */
#pragma once

#include <stdbool.h>

/* Catch SIGTERM and SIGINT from now on. */
void shutdown_init(void);

/* Has one of them come? */
bool shutdown_requested(void);
