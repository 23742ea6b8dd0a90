/* since: "2h", "3d" or an ISO date to unix seconds. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "since.h"

/* An age may go back this far: beyond it a typo, not a wish. */
#define SINCE_MAX_S (100LL * 366 * 86400)

/* n decimal digits at s (exactly n, n <= 4) into *v. */
static int digits(const char *s, int n, int *v)
{
        *v = 0;
        for (int i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                *v = *v * 10 + (s[i] - '0');
        }
        return 0;
}

static int parse_age(const char *s, long long now, long long *ret)
{
        static const struct { char unit; long long s; } units[] = {
                { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
        };
        long long n = 0;
        const char *p = s;

        for (; *p >= '0' && *p <= '9'; p++) {
                n = n * 10 + (*p - '0');
                if (n > SINCE_MAX_S)
                        return -ERANGE;
        }
        if (p == s || !p[0] || p[1])
                return -EINVAL;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (units[i].unit == *p) {
                        if (n * units[i].s > SINCE_MAX_S)
                                return -ERANGE;
                        *ret = now - n * units[i].s;
                        return 0;
                }
        return -EINVAL;
}

static int parse_date(const char *s, long long *ret)
{
        struct tm tm = { 0 };
        size_t len = strlen(s);
        int y, mo, d, h = 0, mi = 0, sec = 0;
        time_t t;

        if (len && s[len - 1] == 'Z')
                len--;
        if ((len != 10 && len != 16 && len != 19) || s[4] != '-' || s[7] != '-' ||
            digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d))
                return -EINVAL;
        if (len >= 16 && ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
                          digits(s + 11, 2, &h) || digits(s + 14, 2, &mi)))
                return -EINVAL;
        if (len == 19 && (s[16] != ':' || digits(s + 17, 2, &sec)))
                return -EINVAL;
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
                return -ERANGE;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        t = timegm(&tm);
        /* timegm takes February 30 as March 2: a date that is not one */
        if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
                return -ERANGE;
        *ret = (long long)t;
        return 0;
}

int since_parse(const char *s, long long now, long long *ret)
{
        int r;

        if (!s || !*s)
                return -EINVAL;
        r = parse_age(s, now, ret);
        if (r != -EINVAL)
                return r;
        return parse_date(s, ret);
}
