/* duration: an age as a person writes it ("90s", "30m", "72h", "7d",
 * "1w"), for min-age and `redock history --since`. */
#pragma once

/* Longest accepted: beyond it a typo, not a wish. */
#define DURATION_MAX_S (100LL * 366 * 86400)

/* s (one number, one unit of s m h d w, no sign, no blank) into *secs.
 * 0, -EINVAL when s is not one, -ERANGE past DURATION_MAX_S.  No I/O. */
int duration_parse(const char *s, long long *secs);
