/* drain: take jobs off the queue, find the opted-in containers each push
 * changed, and hand them to update. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "imageref.h"

/* The label a container must carry to be updated. */
#define LABEL_ENABLE "redock.enable"   /* or policy.c's other names */

struct drain_stats {
        int jobs;               /* jobs finished and removed */
        int updated;
        int unchanged;
        int failed;             /* failed or rolled back */
        int kept;               /* jobs left queued for a later run */
};

/* Process the queue until it is empty, one pass at a time under the queue
 * lock (released between passes and during backoff).  A patient drain
 * (redock drain) waits for the lock; an impatient one (after a webhook)
 * never does: the drain holding it looks at the queue again after
 * letting it go.  Each pass claims its jobs for duplicate detection
 * (true redeliveries are dropped), looks at the opted-in containers once,
 * and acts on each tag's newest push.  When Docker fails, the jobs stay
 * queued: a patient drain retries with backoff up to retry-for seconds,
 * an impatient one leaves them to the drain service.  Returns 0, or
 * -EAGAIN when jobs were kept. */
int drain_queue(const struct config *cfg, struct drain_stats *stats, bool patient);

/* What redock update is asked for. */
struct update_request {
        bool all;               /* --all: every selected container (names are ignored) */
        bool force;             /* --force: also a named one that is not selected */
        const char *to_image;   /* move them to this reference (the API's reset), or NULL */
};

/* redock update NAME... (or --all): the same engine by hand, under the
 * same locks, recorded in the same history; one line per container to
 * out (name, outcome, digest, reason).  A named container that is not
 * selected (not opted in, out of scope, stopped) is refused, with the
 * reason on stderr, unless forced.  Returns 0, or -EIO if any failed or
 * was refused. */
int drain_update_names(const struct config *cfg, char **names, int n, const struct update_request *req,
                       FILE *out);
