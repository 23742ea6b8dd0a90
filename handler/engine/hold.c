/* hold: min-age first, then the window from the time the age is reached. */
#include <errno.h>
#include <stdio.h>

#include "hold.h"

int hold_decide(const struct hold_in *in, long long *until, char *why, size_t size)
{
        long long born = in->born > 0 && in->born <= in->now ? in->born : in->now;
        long long t = in->now, open = in->now, close;
        int n = 0;

        why[0] = '\0';
        if (in->min_age > 0 && born + in->min_age > in->now) {
                t = born + in->min_age;
                n = snprintf(why, size, "min-age %s: the image is %lld s old", in->min_age_text ?: "",
                             in->now - born);
        }
        if (in->window) {
                int r = window_next(in->window, t, &open, &close);

                if (r < 0)
                        return r;
                if (open > t) {
                        if (n < 0 || (size_t)n >= size)
                                n = 0;
                        snprintf(why + n, size - (size_t)n, "%soutside the window %s",
                                 n ? ", then " : "", in->window_text ?: "");
                        t = open;
                }
        }
        *until = t;
        return t > in->now;
}
