/* swarm: update Swarm services that opted in, through the Swarm API.
 *
 * A service opts in with redock.enable=true (or the Watchtower label) on
 * the service (deploy labels) or on its container spec.  It is updated to
 * the digest the registry reports for the pushed tag
 * ("repo:tag@sha256:..."; a job naming another digest changes nothing), with registry auth, under the
 * service's own update and rollback config; redock then waits for Swarm
 * to converge and reports success or Swarm's rollback. */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "docker.h"
#include "event.h"

struct swarm_result {
        char service[256];
        char image[600];        /* the image the service runs after */
        char old_image[600];    /* the image it ran before */
        const char *outcome;    /* "updated", "unchanged", "rolled-back", "failed", "monitor-only",
                                 * "skipped" (the job's digest is not the tag's now) */
        char reason[512];
        long long duration_ms;
};

/* The drain pass a push is part of.  A service follows tags as a
 * container does (label redock.policy, match_tag_decide): it moves to the
 * best tag its policy takes among the pass's pushes of its repository,
 * "repo:NEWTAG@digest" in its spec. */
struct swarm_pass {
        const struct push_event *const *pass;   /* every push of the pass; NULL: the push alone */
        size_t n;
        const char *policy_as;  /* "pin:TAG", the API's pin of the repository (repos.h), or NULL */
};

typedef void (*swarm_report_fn)(const struct swarm_result *res, void *userdata);

/* Update every opted-in service following ev (its tag, or a move to it
 * under the service's tag policy; sp may be NULL: ev alone, no pin),
 * calling report once per service; a service of ev's repository whose
 * policy does not take ev is said in the log, not reported.  Returns the number of services
 * handled (0 when the daemon is not a swarm manager), or -errno when
 * Docker could not be asked (the job is retried later). */
int swarm_update(struct docker *d, const struct config *cfg, const struct push_event *ev,
                 const struct swarm_pass *sp, swarm_report_fn report, void *userdata);
