/* hold: may this change be deployed now?  min-age and window decide;
 * no I/O here (drain.c gathers the times, holdstate.c keeps what waits). */
#pragma once

#include <stddef.h>

#include "window.h"

struct hold_in {
        long long now;                  /* unix seconds */
        long long min_age;              /* seconds; 0: no minimum age */
        long long born;                 /* the image's created time, else when
                                         * redock first saw the digest; 0 = now */
        const struct window *window;    /* NULL: any time */
        const char *window_text;        /* as configured, for why */
        const char *min_age_text;       /* as configured or labelled, for why */
};

/* 0: deploy now.  1: wait until *until (the image old enough, then the
 * window open), why (size bytes) saying for what.  -ERANGE when the
 * window never opens (cannot happen for a parsed one). */
int hold_decide(const struct hold_in *in, long long *until, char *why, size_t size);
