/* counters: totals that must outlive the history, which dedup-window and
 * state_prune keep short (the counters table, migration 5 in state.c).
 * Prometheus wants counters that only grow; these do, until the
 * database is removed.
 *
 *   deliveries_accepted    jobs the drain took and finished (not dropped
 *                          as redeliveries), each counted once
 *   deliveries_duplicate   jobs the drain dropped as a registry's
 *                          redelivery of an event it had taken already */
#pragma once

#include "state.h"

#define COUNTER_DELIVERIES_ACCEPTED  "deliveries_accepted"
#define COUNTER_DELIVERIES_DUPLICATE "deliveries_duplicate"

/* Add by to the counter name (created at 0).  0 or -EIO (logged). */
int counters_add(struct state *st, const char *name, long long by);

/* The counter's value in *value (0 when never added to).  0 or -EIO. */
int counters_get(struct state *st, const char *name, long long *value);
