/* window: "Sat,Sun 02:00-05:00 Europe/Berlin", parsed and computed. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "window.h"

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

static int day_index(const char *s, size_t len)
{
        if (len == 3)
                for (int i = 0; i < 7; i++)
                        if (strncasecmp(s, day_names[i], 3) == 0)
                                return i;
        return -1;
}

/* "Mon,Wed-Fri" (len bytes) into a mask. */
static int parse_days(const char *s, size_t len, unsigned *mask, char *why, size_t size)
{
        const char *end = s + len;

        *mask = 0;
        while (s < end) {
                const char *comma = memchr(s, ',', (size_t)(end - s)) ?: end;
                const char *dash = memchr(s, '-', (size_t)(comma - s));
                int a = day_index(s, (size_t)((dash ?: comma) - s));
                int b = dash ? day_index(dash + 1, (size_t)(comma - dash - 1)) : a;

                if (a < 0 || b < 0) {
                        snprintf(why, size, "'%.*s' is not a day or a range of days (Mon, Sat-Sun)",
                                 (int)(comma - s), s);
                        return -EINVAL;
                }
                for (int d = a;; d = (d + 1) % 7) {     /* Fri-Mon wraps */
                        *mask |= 1u << d;
                        if (d == b)
                                break;
                }
                s = comma + (comma < end);
                if (comma < end && s == end) {
                        snprintf(why, size, "a comma ends the list of days");
                        return -EINVAL;
                }
        }
        return 0;
}

/* "HH:MM" at s, exactly five characters; 24:00 only when end is set. */
static int parse_hhmm(const char *s, bool end, int *minutes)
{
        int h, m;

        if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
            !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
                return -EINVAL;
        h = (s[0] - '0') * 10 + (s[1] - '0');
        m = (s[3] - '0') * 10 + (s[4] - '0');
        if (m > 59 || h > 24 || (h == 24 && (m != 0 || !end)))
                return -EINVAL;
        *minutes = h * 60 + m;
        return 0;
}

/* A TZ database name: letters, digits and "_+-", in parts split by "/",
 * none of them empty, "." or "..": a name, never a path of our choosing. */
static bool zone_name_valid(const char *z, size_t len)
{
        size_t part = 0;

        if (len == 0 || len >= WINDOW_ZONE_MAX)
                return false;
        for (size_t i = 0; i <= len; i++) {
                char c = i < len ? z[i] : '/';

                if (c == '/') {
                        if (part == 0 || z[i - part] == '.' || z[i - part] == '-')
                                return false;
                        part = 0;
                } else if (isalnum((unsigned char)c) || c == '_' || c == '+' || c == '-') {
                        part++;
                } else {
                        return false;
                }
        }
        return true;
}

int window_parse(const char *s, struct window *w, char *why, size_t size)
{
        const char *tok[3];
        size_t len[3], n = 0;
        const char *p = s;
        int start, stop, k = 0;

        memset(w, 0, sizeof(*w));
        if (!s || strlen(s) > WINDOW_TEXT_MAX) {
                snprintf(why, size, "a window is at most %d characters", WINDOW_TEXT_MAX);
                return -EINVAL;
        }
        for (;;) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (!*p)
                        break;
                if (n == 3) {
                        snprintf(why, size, "too many words: want [DAYS] HH:MM-HH:MM [ZONE]");
                        return -EINVAL;
                }
                tok[n] = p;
                while (*p && *p != ' ' && *p != '\t')
                        p++;
                len[n] = (size_t)(p - tok[n]);
                n++;
        }
        if (n == 0) {
                snprintf(why, size, "empty: want [DAYS] HH:MM-HH:MM [ZONE], e.g. Sat,Sun 02:00-05:00 UTC");
                return -EINVAL;
        }
        /* the times are the word with a colon */
        if (!memchr(tok[0], ':', len[0])) {
                if (parse_days(tok[0], len[0], &w->days, why, size) < 0)
                        return -EINVAL;
                k = 1;
        } else {
                w->days = 0x7f;
        }
        if (k >= (int)n || len[k] != 11 || tok[k][5] != '-' || parse_hhmm(tok[k], false, &start) < 0 ||
            parse_hhmm(tok[k] + 6, true, &stop) < 0) {
                snprintf(why, size, "%s%.*s%s: want the times as HH:MM-HH:MM (00:00 to 24:00), e.g. 02:00-05:00",
                         k < (int)n ? "'" : "", k < (int)n ? (int)len[k] : 0, k < (int)n ? tok[k] : "no times",
                         k < (int)n ? "'" : "");
                return -EINVAL;
        }
        if (start == 24 * 60)
                start = 0;
        w->start = start;
        w->length = stop > start ? stop - start : stop + 24 * 60 - start;
        if (stop == start) {
                snprintf(why, size, "'%.*s' opens and closes at the same time", (int)len[k], tok[k]);
                return -EINVAL;
        }
        k++;
        if (k < (int)n) {
                if (!zone_name_valid(tok[k], len[k])) {
                        snprintf(why, size, "'%.*s' is not a time zone name (Europe/Berlin, UTC)",
                                 (int)(len[k] > 64 ? 64 : len[k]), tok[k]);
                        return -EINVAL;
                }
                memcpy(w->zone, tok[k], len[k]);
                w->zone[len[k]] = '\0';
                k++;
        }
        if (k < (int)n) {
                snprintf(why, size, "'%.*s' after the time zone: want [DAYS] HH:MM-HH:MM [ZONE]",
                         (int)(len[k] > 64 ? 64 : len[k]), tok[k]);
                return -EINVAL;
        }
        return 0;
}

bool window_zone_exists(const char *zone)
{
        const char *dir = getenv("TZDIR");
        char path[512];
        struct stat sb;

        if (!zone[0])
                return true;
        if (!zone_name_valid(zone, strlen(zone)))
                return false;
        snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", zone);
        return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* TZ set to zone ("" leaves the host's), and back. */
struct tz_saved {
        char *old;
        bool had, changed;
};

static void tz_enter(const char *zone, struct tz_saved *sv)
{
        const char *old = getenv("TZ");

        memset(sv, 0, sizeof(*sv));
        if (!zone[0])
                return;
        sv->had = old != NULL;
        sv->old = old ? strdup(old) : NULL;
        sv->changed = true;
        setenv("TZ", zone, 1);
        tzset();
}

static void tz_leave(struct tz_saved *sv)
{
        if (!sv->changed)
                return;
        if (sv->had && sv->old)
                setenv("TZ", sv->old, 1);
        else
                unsetenv("TZ");
        free(sv->old);
        tzset();
}

int window_next(const struct window *w, long long t, long long *open, long long *until)
{
        struct tz_saved sv;
        struct tm now_tm;
        time_t now = (time_t)t;
        int r = -ERANGE;

        tz_enter(w->zone, &sv);
        if (!localtime_r(&now, &now_tm)) {
                tz_leave(&sv);
                return -ERANGE;
        }
        /* from yesterday's opening (it may still be open) on */
        for (int d = -1; d <= 8; d++) {
                struct tm tm = now_tm;
                time_t a, b;
                int wday;

                tm.tm_mday += d;
                tm.tm_hour = w->start / 60;
                tm.tm_min = w->start % 60;
                tm.tm_sec = 0;
                tm.tm_isdst = -1;
                a = mktime(&tm);
                if (a == (time_t)-1)
                        continue;
                wday = tm.tm_wday;
                /* the close in wall-clock time (DST may make it 23 or 25 h) */
                tm.tm_min += w->length;
                tm.tm_isdst = -1;
                b = mktime(&tm);
                if (!(w->days & (1u << wday)) || b <= now)
                        continue;
                *open = a > now ? (long long)a : t;
                *until = (long long)b;
                r = 0;
                break;
        }
        tz_leave(&sv);
        return r;
}
