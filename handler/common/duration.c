/* duration: "72h" to seconds. */
#include <errno.h>
#include <stddef.h>

#include "duration.h"

int duration_parse(const char *s, long long *secs)
{
        static const struct { char unit; long long s; } units[] = {
                { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
        };
        long long n = 0;
        const char *p = s;

        if (!s)
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                n = n * 10 + (*p - '0');
                if (n > DURATION_MAX_S)
                        return -ERANGE;
        }
        if (p == s || !p[0] || p[1])
                return -EINVAL;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (units[i].unit == *p) {
                        if (n * units[i].s > DURATION_MAX_S)
                                return -ERANGE;
                        *secs = n * units[i].s;
                        return 0;
                }
        return -EINVAL;
}
