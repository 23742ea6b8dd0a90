/* drainfollow: which containers follow the push at hand (c->job), where
 * a tag policy moves them, and why the others are left alone.  The
 * policies parsed and the moves made are kept for the pass (drainctx.h)
 * and let go by drain_follow_end. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "drainctx.h"

/* The API's pin of the pushed repository as a policy ("pin:TAG", into
 * buf), which rules over the labels (a container's, a service's) while
 * it is set; else NULL. */
const char *drain_pin_policy(const struct drain_ctx *c, char *buf, size_t size);

/* Does the container follow the push at hand?  When it moves to the
 * pushed tag under its redock.policy (or the repository's pin), that tag
 * into to_tag (else ""); the policy as written into policy. */
bool drain_follows(struct drain_ctx *c, const json_t *ins, char *to_tag, size_t to_size, char *policy,
                   size_t policy_size);

/* Was the push's digest rolled back on this container before?  Then it
 * is not tried again (said, with what tries again). */
bool drain_refused_digest(struct drain_ctx *c, const json_t *ins, const char *image);

/* For a follower that moves to the pushed tag under its policy: the
 * reference it moves to (allocated), said in the log; NULL otherwise. */
char *drain_move_to(struct drain_ctx *c, const json_t *ins, const char *image, const char *to_tag,
                    const char *policy);

/* Do the opted-in containers that follow the push all run its digest
 * already?  1 yes (or none follows it), 0 no, -errno. */
int drain_followers_run_digest(struct drain_ctx *c, const json_t *opted_in);

/* Say why containers that name the pushed repository and tag are left
 * alone (see drainfollow.c). */
void drain_log_misses(struct drain_ctx *c, const json_t *opted_in, const char *image, bool none_follow);

/* Container name was moved to ref in this pass.  0, -ENOMEM. */
int drain_moved_note(struct drain_ctx *c, const char *name, const char *ref);

/* Where name was moved in this pass, or NULL. */
const char *drain_moved_to(const struct drain_ctx *c, const char *name);

/* The pass is over: its parsed policies and moves go. */
void drain_follow_end(struct drain_ctx *c);
