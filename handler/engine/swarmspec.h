/* swarmspec: the decisions swarm.c takes on Swarm API replies, as pure
 * functions on JSON, so they are tested on replies recorded from a real
 * daemon (tests/fixtures/docker/service-*.json). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "event.h"
#include "imageref.h"

/* What a service's labels ask for.  The labels are those of the service
 * (deploy labels) and of its container spec; the service's win. */
enum swarm_pick {
        SWARM_PICK_NO,          /* not opted in, or another scope's */
        SWARM_PICK_UPDATE,
        SWARM_PICK_MONITOR,     /* monitor-only: report, change nothing */
};

/* The labels that steer a service: its container spec's, overridden by
 * the service's own (deploy labels).  A new object (NULL out of memory). */
json_t *swarm_service_labels(const json_t *service);

/* service is an element of GET /services; scope is cfg->scope (NULL or
 * "" = only services without a scope label). */
enum swarm_pick swarm_service_pick(const json_t *service, const char *scope);

/* Split a service image "repo:tag@sha256:..." into name "repo:tag" and
 * digest "sha256:..." ("" when there is none).  Returns 0, or
 * -ENAMETOOLONG when a part does not fit. */
int swarm_image_split(const char *image, char *name, size_t name_size,
                      char *digest, size_t digest_size);

/* The reference a service's image follows, its digest left aside, into
 * ref: 0, or -EINVAL when it is none (no image, too long, not a
 * reference, or "repo@sha256:..." with no tag at all: pinned by its user,
 * it never follows a tag). */
int swarm_image_ref(const char *image, struct imageref *ref);

/* Does a service with this image follow the tag ev pushed?  The digest
 * Swarm pinned is left aside; a reference with no tag at all
 * ("repo@sha256:...") was pinned by its user and never follows. */
bool swarm_image_follows(const char *image, const struct push_event *ev);

/* "repo:tag@digest" from the service's image (whatever digest it had)
 * and the new digest.  Returns 0 or -ENAMETOOLONG. */
int swarm_image_with_digest(const char *image, const char *digest,
                            char *out, size_t size);

/* The digest to deploy for a push: the one the registry reports for the
 * tag now (registry_now), never a job's word alone -- in split mode a job
 * may be forged, and pinning a service to an old manifest of its
 * repository is an attack.  pushed is the job's digest, "" when the push
 * named none.  Returns 0 with out set, -ESTALE when pushed names another
 * digest (a later push moved the tag, or the job lies: nothing is to
 * change), -EINVAL when registry_now is not a digest, -ENAMETOOLONG. */
int swarm_target_digest(const char *pushed, const char *registry_now, char *out, size_t size);

/* Where the update Swarm runs for a service stands. */
enum swarm_state {
        SWARM_STATE_NONE,       /* no update recorded (none started yet) */
        SWARM_STATE_UPDATING,   /* updating, or rolling back */
        SWARM_STATE_COMPLETED,
        SWARM_STATE_ROLLED_BACK,
        SWARM_STATE_PAUSED,     /* paused or rollback paused: stuck */
};

/* Classify GET /services/{id}'s UpdateStatus.  *message (may be NULL) is
 * set to Swarm's message, pointing into service, or "". */
enum swarm_state swarm_update_state(const json_t *service, const char **message);

/* Has the service converged on image?  tasks is GET /tasks filtered by
 * service and desired-state running; every one of them must be running
 * image, and a replicated service must have all its replicas. */
bool swarm_tasks_converged(const json_t *service, const json_t *tasks, const char *image);

/* Seconds to wait for Swarm's update of service before calling it
 * failed: health_timeout plus each batch's monitor period and delay
 * (Swarm's defaults where the service sets none), plus a margin. */
int swarm_wait_budget(const json_t *service, int health_timeout);
