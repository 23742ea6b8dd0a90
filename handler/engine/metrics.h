/* metrics: what redock did, in Prometheus' text format (version 0.0.4),
 * from its history (state.c) and its queue:
 *
 *   redock_updates_total{kind,outcome}      decisions in the kept history
 *   redock_rollbacks_total
 *   redock_update_duration_seconds          histogram of the updates that
 *                                           swapped (updated, rolled back)
 *   redock_queue_depth{dir}                 queue and inbox entries
 *   redock_pending_approvals                changes waiting for approval
 *   redock_last_success_timestamp_seconds{target}
 *   redock_deliveries_total{outcome}        accepted, duplicate: what the
 *                                           drain counted (counters.h)
 *   redock_webhook_connections_total        redock.socket's NAccepted,
 *                                           from systemd over the bus; left
 *                                           out, with a "# redock.socket:"
 *                                           comment, when it cannot be read
 *
 * The counters count what the history keeps: dedup-window pruning may
 * lower them (Prometheus treats a drop as a reset). */
#pragma once

#include <stdio.h>

#include "config.h"
#include "state.h"

/* st may be NULL (no history yet): the history's series are then empty.
 * 0 or -errno. */
int metrics_write(const struct config *cfg, struct state *st, FILE *out);
