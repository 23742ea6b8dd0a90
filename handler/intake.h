/* intake: the inbox of split mode, taken into the queue.
 *
 * In split mode (redock.conf(5) mode = split) the webhook process runs as
 * a dynamic user with no Docker access and no access to the state
 * database: it only writes validated jobs into inbox-dir (a setgid
 * directory of group redock-queue).  The drain takes them from there,
 * under the queue lock, into queue-dir, and claims each event in the
 * state database as it does so: a registry's repeated delivery within
 * dedup-window is dropped here instead of in the webhook. */
#pragma once

#include "config.h"

/* Move every job in cfg->inbox_dir into cfg->queue_dir, dropping
 * duplicates and moving aside what is not a job.  Returns the number of
 * jobs queued, or -errno (jobs not yet taken stay in the inbox). */
int intake_inbox(const struct config *cfg);
