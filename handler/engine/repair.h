/* repair: finish or undo what an interrupted replacement left, from its
 * intent record (intent.h), so that a crash at any step of update.c's
 * swap loses no container: the old one back under its name, or the swap
 * finished when the new one had proved itself; what ran before running
 * again; the dependents it stopped started again. */
#pragma once

#include "config.h"
#include "docker.h"

/* The repair of one container, under its lock (the caller's).  Without a
 * record, only a stale NAME-redock-new is removed.  The record goes only
 * once the repair is complete.  0, or -errno (the record is kept). */
int repair_one(struct docker *d, const char *state_dir, const char *name);

/* Repair what every intent record (STATE_DIR/inflight/NAME.json) says an
 * interrupted replacement left, each under its container's lock (one
 * held by a live update is skipped): the old container back under its
 * name, or the swap finished when the new one had proved itself; a
 * container that ran before the swap running again; the dependents it
 * stopped started again.  A record goes only once that is so.  Returns
 * 0, or the first -errno (Docker failed or a repair is not complete: its
 * record is kept for the next run). */
int repair_all(struct docker *d, const struct config *cfg);
