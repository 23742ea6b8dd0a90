/* window: when changes may be deployed, as `window =` in redock.conf
 * writes it:
 *
 *     [DAYS] HH:MM-HH:MM [ZONE]
 *
 * DAYS: English day names of three letters, case-insensitive, separated
 * by commas, each alone or a range ("Mon-Fri", "Fri-Mon" wraps); none
 * means every day.  The window opens at the first time on each of those
 * days and closes at the second; a second time not after the first runs
 * into the next day ("22:00-02:00"), "24:00" is the end of the day.
 * ZONE: a TZ database name ("Europe/Berlin", "UTC"); none means the
 * host's local time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define WINDOW_TEXT_MAX 128
#define WINDOW_ZONE_MAX 64

struct window {
        unsigned days;                  /* bit 0 Sunday .. bit 6 Saturday */
        int start;                      /* minutes after midnight, 0..1439 */
        int length;                     /* minutes, 1..1440 */
        char zone[WINDOW_ZONE_MAX];     /* "" = local time */
};

/* Parse s into *w.  0, or -EINVAL with why (size bytes) saying what is
 * wrong.  Pure: whether the zone exists is window_zone_exists's job. */
int window_parse(const char *s, struct window *w, char *why, size_t size);

/* Is zone a file under the TZ database (TZDIR, else
 * /usr/share/zoneinfo)?  "" (local time) is. */
bool window_zone_exists(const char *zone);

/* The first time at or after t when w is open: t itself when it is open
 * at t.  *until is when that opening closes.  Sets TZ for the
 * computation and puts it back (not thread-safe, like tzset).  0, or
 * -ERANGE when no opening is found within 8 days (cannot happen for a
 * parsed window). */
int window_next(const struct window *w, long long t, long long *open, long long *until);
