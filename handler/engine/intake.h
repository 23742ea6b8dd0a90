/* intake: the inbox of split mode, taken into the queue.
 *
 * In split mode (redock.conf(5) mode = split) the webhook process runs as
 * a dynamic user with no Docker access and no access to the state
 * database: it only writes jobs into inbox-dir (a setgid directory of
 * group redock-queue).  That process faces the network, so the drain
 * takes every inbox entry as written by an attacker: it reads each with
 * queue_read_job (no link followed, nothing that blocks, bounded size,
 * strict fields) and writes a job of its own into queue-dir with
 * queue_push; the writer's file itself never enters the queue.  Entries
 * that are not jobs go to inbox-dir.bad, so the inbox empties and its
 * path unit stops.  The drain re-checks each job against its own
 * configuration (jobcheck.c) and drops repeated deliveries. */
#pragma once

#include "config.h"

/* Take up to INTAKE_MAX_PER_PASS jobs, oldest first, from
 * cfg->inbox_dir into cfg->queue_dir, under the queue lock; move aside
 * what is not a job; prune inbox-dir.bad and inbox-dir.tmp by age and
 * count.  Returns the number of jobs queued, or -errno (jobs not yet
 * taken stay in the inbox). */
/* With wait=false a held queue lock means another drain is taking the
 * inbox: 0 at once. */
int intake_inbox(const struct config *cfg, bool wait);
