/* update: replace one container by the same container on its image's
 * newest version, without ever losing it.
 *
 * Create first, then swap, and keep the old one until the new one proves
 * itself (DESIGN.md): a failure before the old one is stopped leaves it
 * untouched; a failure after puts it back and starts it again. */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "docker.h"

enum update_outcome {
        UPDATE_UNCHANGED,       /* the tag still names the running image */
        UPDATE_UPDATED,
        UPDATE_ROLLED_BACK,     /* new one failed, old one runs again */
        UPDATE_FAILED,          /* nothing changed (pull or create failed) */
        UPDATE_SKIPPED,         /* pinned by digest, or pre-update asked to skip */
        UPDATE_AVAILABLE,       /* newer image found; monitor-only or dry-run */
};

struct update_result;

struct update_opts {
        const struct config *cfg;       /* timeouts, dry-run, cleanup, credentials */
        /* recreate on the image it has, without a pull: a dependent whose
         * network namespace went with the container it joined */
        bool recreate;
        bool start;                     /* start the new one even if the old one is stopped now */
        const char *netns_to;           /* the new one joins this container's network namespace */
        /* the reference to move to (a tag policy's new tag), or NULL: the
         * image it runs.  Pulled, compared and created from instead of
         * Config.Image; a rollback puts the old container, on its old
         * reference, back. */
        const char *to_image;
};

struct update_result {
        enum update_outcome outcome;
        char name[256];
        char image[512];                /* the reference it runs, or moves to */
        char old_image[512];            /* the reference it ran when it moves to another; "" */
        char old_image_id[80];
        char new_image_id[80];
        char old_digest[180];
        char new_digest[180];
        char reason[512];               /* why it failed or rolled back */
        char container_id[80];          /* what runs under the name now (new or old) */
        bool changed;                   /* the old container was touched */
        long long duration_ms;
};

const char *update_outcome_name(enum update_outcome o);

/* Update the container called name (or with that id), under its lock
 * (STATE_DIR/locks/NAME.lock): two processes never replace one container
 * at once, and the second finds the new image and does nothing; a lock
 * that cannot be taken is an error, never a reason to go on without.
 * Returns 0 when an outcome was reached (see res->outcome), or -errno
 * when the job should be kept and retried later: Docker could not be
 * asked at some step (a transport error, a 5xx on inspect or pull), or a
 * rollback did not finish (its intent record is kept, and the next run
 * repairs it before it updates again), or -ENOLCK: its lock could not be
 * taken (logged with the cause; it never goes on without), or -EINTR: a
 * stop was asked for while it waited for the lock. */
int update_container(struct docker *d, const char *name,
                     const struct update_opts *opts, struct update_result *res);

/* update_container in steps, for a caller that stops and starts the
 * containers depending on this one around its swap (dependents.c):
 *
 *   update_begin      lock; inspect, pull, compare; create the new
 *                     container beside the old one, which still runs
 *   update_swap_next  true when the swap is next (else an outcome is
 *                     reached already: unchanged, failed, skipped...)
 *   update_note_stopping  the dependents about to be stopped, written
 *                     into the intent record before any is stopped
 *   update_swap       stop the old one, swap names, start and prove the
 *                     new one; keep it, or roll back
 *   update_end        the intent record goes once the swap is over for
 *                     certain; unlock.  Returns what update_container does.
 *
 * Between update_swap and update_end the caller starts the dependents
 * again: a crash in between leaves them in the record for the repair.
 * update_end must follow update_begin whatever it returned. */
struct update;
int update_begin(struct docker *d, const char *name, const struct update_opts *opts,
                 struct update_result *res, struct update **u);
bool update_swap_next(const struct update *u);
/* names: NULL-terminated, borrowed until update_end.  0, or -EIO when the
 * record could not be written: the swap is then called off (update_swap
 * removes the new container, and the caller must stop nothing). */
int update_note_stopping(struct update *u, const char *const *names);
void update_swap(struct update *u);
int update_end(struct update *u);

/* Stop the container called name the way an update stops it: the
 * redock.stop-signal and stop-timeout labels of its inspect object, else
 * its own, else the config's timeout.  0 or -EIO. */
int update_stop_container(struct docker *d, const char *name, const json_t *inspect,
                          const struct config *cfg);
