/* historyprint: `redock history` and the API's history: the rows of the
 * history table (state.c records them) as the operator reads them, a
 * table or JSON lines.  The name keeps its state_ prefix: it was
 * state.c's. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "state.h"

/* Which history rows to print; NULL / 0 members select everything. */
struct history_filter {
        const char *target;             /* this container or service only */
        const char *outcomes[HISTORY_OUTCOMES_MAX];     /* any of these */
        int n_outcomes;
        long long since;                /* unix seconds: rows at or after */
        int limit;                      /* the newest limit rows; <= 0 all */
};

/* Print the rows f selects, newest first: a table with a header line
 * (TIME TARGET OUTCOME IMAGE OLD → NEW DURATION SOURCE DETAIL), or with
 * json=true one JSON object per line (the detail under "error"). */
int state_print_history(struct state *st, FILE *out, const struct history_filter *f, bool json);
