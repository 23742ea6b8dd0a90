/* shutdown: a flag set by SIGTERM and SIGINT. */
#include <signal.h>
#include <string.h>

#include "shutdown.h"

static volatile sig_atomic_t requested;

static void on_signal(int sig)
{
        (void)sig;
        requested = 1;
}

void shutdown_init(void)
{
        struct sigaction sa;

        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        /* interrupted Docker calls go on: the flag is looked at between them */
        sa.sa_flags = SA_RESTART;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
}

bool shutdown_requested(void)
{
        return requested != 0;
}
