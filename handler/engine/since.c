/* since: "2h", "3d" or an ISO date to unix seconds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "duration.h"
#include "since.h"

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

/* an age: now minus a duration (duration.c) */
static int parse_age(const char *s, long long now, long long *ret)
{
        long long secs;
        int r = duration_parse(s, &secs);

        if (r == 0)
                *ret = now - secs;
        return r;
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

void since_iso_time(long long t, char *buf, size_t size)
{
        time_t tt = (time_t)t;
        struct tm tm;

        if (!gmtime_r(&tt, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                snprintf(buf, size, "%lld", t);
}
