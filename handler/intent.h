/* intent: a small record, written before a replacement starts changing
 * anything, of what the container was; if the process dies half way, the
 * next run reads it to put the old container back (and then updates
 * again from a clean start).  STATE_DIR/inflight/NAME.json. */
#pragma once

#include <stdbool.h>

struct intent {
        char old_id[80];
        bool was_running;
};

int intent_write(const char *state_dir, const char *name, const struct intent *in);
/* 0 and *in filled, -ENOENT when there is none, other -errno. */
int intent_read(const char *state_dir, const char *name, struct intent *in);
int intent_remove(const char *state_dir, const char *name);

/* Test hook: when $REDOCK_FAULT names this point, die here with SIGKILL,
 * as a power cut or OOM kill would.  Points: before-queue (the request
 * read and checked, nothing queued yet), after-queue (answered, before
 * any Docker work), after-claim (the drain claimed its jobs for
 * duplicate detection, none acted on), after-pull, after-create, after-stop,
 * after-rename, after-start. */
void fault_point(const char *point);
