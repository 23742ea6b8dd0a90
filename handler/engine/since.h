/* since: the time `redock history --since` is given, as a person writes
 * it, and the UTC time redock writes for people and JSON. */
#pragma once

#include <stddef.h>

/* s as unix seconds: an age before now ("90s", "30m", "2h", "3d", "1w";
 * one unit, no sign) or a UTC date "YYYY-MM-DD", optionally with
 * "THH:MM" or "THH:MM:SS" (or a blank for the T) and a trailing "Z".
 * Returns 0 with *ret set, -EINVAL when s is neither, -ERANGE when the
 * number or a field is out of range.  No I/O. */
int since_parse(const char *s, long long now, long long *ret);

/* t as "2026-12-01T10:00:00Z" into buf (the number itself when the
 * calendar cannot hold it). */
void since_iso_time(long long t, char *buf, size_t size);
