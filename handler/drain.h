/* drain: take jobs off the queue, find the opted-in containers each push
 * changed, and hand them to update. */
#pragma once

#include <stdbool.h>

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

/* Process the queue until it is empty.  Waits for the drain lock, so two
 * drains never work at once; the second finds what the first left.
 * Returns 0, or -errno when Docker could not be reached (the jobs stay
 * queued for the next run). */
int drain_queue(const struct config *cfg, struct drain_stats *stats);
