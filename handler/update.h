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

struct update_opts {
        const struct config *cfg;       /* timeouts, dry-run, cleanup, credentials */
        /* called once, just before the old container is stopped for the
         * swap (not when nothing is to be swapped): the containers that
         * depend on it are stopped there */
        void (*before_stop)(void *arg);
        void *arg;
        /* recreate on the image it has, without a pull: a dependent whose
         * network namespace went with the container it joined */
        bool recreate;
        bool start;                     /* start the new one even if the old one is stopped now */
        const char *netns_to;           /* the new one joins this container's network namespace */
};

struct update_result {
        enum update_outcome outcome;
        char name[256];
        char image[512];                /* the reference it runs */
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
 * at once, and the second finds the new image and does nothing.
 * Returns 0 when an outcome was reached (see res->outcome), or -errno
 * when Docker could not be asked at all (the job should be retried
 * later). */
int update_container(struct docker *d, const char *name,
                     const struct update_opts *opts, struct update_result *res);

/* Stop the container called name the way an update stops it: the
 * redock.stop-signal and stop-timeout labels of its inspect object, else
 * its own, else the config's timeout.  0 or -EIO. */
int update_stop_container(struct docker *d, const char *name, const json_t *inspect,
                          const struct config *cfg);
