/* poll: redock poll, for registries that cannot send a webhook.
 *
 * For every selected container (match.h: opted in, in scope, running or
 * include-stopped) and opted-in Swarm service, the registry is asked
 * for the digest its tag names now (registry.h: one HEAD per repository
 * and tag, however many containers follow it); when that digest is not
 * one of the running image's RepoDigests (a service: not the digest its
 * spec pins), a job is queued, source "poll", exactly as a webhook
 * would have queued it.  Nothing is pulled and no manifest is fetched
 * while nothing changed.  One log line per decision. */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "imageref.h"

/* The source name of the jobs poll queues; no [source] may take it. */
#define POLL_SOURCE SOURCE_NAME_POLL

/* One repository a poll is limited to (the API's /v1/update?image=):
 * Watchtower's meaning, the repository whatever the tag.  targets counts
 * the containers and services found following it. */
struct poll_image {
        struct imageref ref;    /* its registry and repository count */
        int targets;
};

struct poll_opts {
        bool dry_run;           /* --dry-run: decide and log, queue nothing */
        struct poll_image *only;        /* n_only > 0: these repositories only */
        size_t n_only;
};

struct poll_stats {
        int targets;            /* containers and services looked at */
        int asked;              /* distinct repository:tag asked */
        int changed;            /* targets whose tag names another digest now */
        int unchanged;
        int failed;             /* targets the registry could not answer for */
        int queued;             /* jobs written */
};

/* One poll.  Returns 0 (st filled; registry failures are counted and
 * logged, the others still asked), or -errno when Docker could not be
 * asked or the queue not written. */
int poll_run(const struct config *cfg, const struct poll_opts *o, struct poll_stats *st);
