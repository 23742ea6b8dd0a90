/* Fuzz `window =` and `min-age` parsing: window_parse(), window_next()
 * (handler/common/window.c), duration_parse() and hold_decide()
 * (handler/engine/hold.c).
 *
 * Input: one window or duration, up to the first NUL.  A parsed window
 * has its fields in range and opens within eight days of any time, no
 * earlier than that time, and closes after it opens; a hold decision is
 * never before now. */
#include <errno.h>
#include <string.h>

#include "duration.h"
#include "fuzz.h"
#include "hold.h"
#include "window.h"

#define T0 1764633600LL         /* 2025-12-02T00:00:00Z */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size);
        char why[160];
        struct window w;
        long long secs, open, until;

        why[0] = '\0';
        if (window_parse(s, &w, why, sizeof(why)) == 0) {
                struct hold_in in = { .now = T0, .min_age = 90, .born = T0 - 30, .window = &w,
                                      .window_text = s, .min_age_text = "90s" };
                char hwhy[512];

                FUZZ_ASSERT(w.days && w.days <= 0x7f);
                FUZZ_ASSERT(w.start >= 0 && w.start < 1440);
                FUZZ_ASSERT(w.length >= 1 && w.length <= 1440);
                FUZZ_ASSERT(memchr(w.zone, '\0', sizeof(w.zone)));
                FUZZ_ASSERT(!strstr(w.zone, ".."));
                FUZZ_ASSERT(w.zone[0] != '/');
                /* an unknown zone is UTC to glibc: still a time */
                FUZZ_ASSERT(window_next(&w, T0, &open, &until) == 0);
                FUZZ_ASSERT(open >= T0 && open <= T0 + 8 * 86400 && until > open);
                FUZZ_ASSERT(hold_decide(&in, &until, hwhy, sizeof(hwhy)) >= 0);
                FUZZ_ASSERT(until >= T0 + 60);
        } else {
                FUZZ_ASSERT(why[0]);    /* a refusal always says why */
        }
        if (duration_parse(s, &secs) == 0)
                FUZZ_ASSERT(secs >= 0 && secs <= DURATION_MAX_S);
        free(s);
        return 0;
}
