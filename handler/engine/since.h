/* since: the time `redock history --since` is given, as a person writes
 * it. */
#pragma once

/* s as unix seconds: an age before now ("90s", "30m", "2h", "3d", "1w";
 * one unit, no sign) or a UTC date "YYYY-MM-DD", optionally with
 * "THH:MM" or "THH:MM:SS" (or a blank for the T) and a trailing "Z".
 * Returns 0 with *ret set, -EINVAL when s is neither, -ERANGE when the
 * number or a field is out of range.  No I/O. */
int since_parse(const char *s, long long now, long long *ret);
