/* apipage: what GET /history?n=N takes, apart from the handlers so the
 * unit tests and the fuzz harness reach it. */
#pragma once

/* /history's rows: 50 unless ?n= says, never more than the max (the
 * history is pruned anyway; one answer stays small) */
#define HISTORY_PAGE_DEFAULT    50
#define HISTORY_PAGE_MAX        1000

/* The count in /history's query ("n=20"; NULL or "" for the default)
 * into *ret.  Returns 0; -EINVAL for anything but one n= with decimal
 * digits; -ERANGE for a count outside 1..HISTORY_PAGE_MAX.  *ret is set
 * only on success. */
int api_history_count(const char *query, int *ret);
