/* match: which containers a push reaches, and why the others do not.
 *
 * A container is selected when it is opted in ([redock] select: a truthy
 * enable label, or with select = all any container not labelled false),
 * in this instance's scope, running (or include-stopped = yes), and is
 * neither one of redock's temporary containers nor a Swarm task's.  A
 * selected container follows a push when its image names the pushed
 * repository and tag on the pushed host, or on one of the aliases of the
 * source whose registry that host is.
 *
 * Containers are JSON objects as inspect has them, or as listing.h's
 * summaries have them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "docker.h"
#include "event.h"
#include "imageref.h"
#include "tagpolicy.h"

/* The containers among all (listing summaries) that are opted in under
 * [redock] select and whose list entry shows the image by id, inspected
 * in place: which tag they follow is only in inspect.  The others could
 * not follow a push whatever their image.  0, or -errno when Docker did
 * not answer. */
int match_resolve_moved(struct docker *d, const struct config *cfg, json_t *all);

/* The containers a push may reach, summarised: with select = labelled
 * those carrying an enable label (label-filtered lists: the cost does not
 * grow with the host), with select = all one list of every container,
 * less those labelled false.  Stopped ones are in (to say why they are
 * left alone).  NULL with *err when Docker did not answer. */
json_t *match_candidates(struct docker *d, const struct config *cfg, int *err);

/* Is this container selected (see above)?  If not, why (with the key
 * that would change it) into why.  why may be NULL. */
bool match_selected(const struct config *cfg, const json_t *ins, char *why, size_t size);

/* Is it selected, and does its image follow the push ev? */
bool match_follows_push(const struct config *cfg, const json_t *ins, const struct push_event *ev);

enum match_miss {
        MATCH_UNRELATED,        /* not this repository and tag, or not opted in */
        MATCH_FOLLOWS,          /* follows the push */
        MATCH_STOPPED,          /* would follow it, but is not running */
        MATCH_NEAR,             /* same repository and tag: another host or scope */
};

/* How this container stands to push ev from source (its name): for
 * MATCH_STOPPED its state, for MATCH_NEAR what differs and the key that
 * would make it follow, into why ("; " between several). */
enum match_miss match_near_miss(const struct config *cfg, const json_t *ins, const char *source,
                                const struct push_event *ev, char *why, size_t size);

/* Which source follows this container (inspect object or list
 * summary), or why none does: "source NAME", or "nothing: <why>"
 * naming the key that would fix a near miss.  true when followed. */
bool match_describe(const struct config *cfg, const json_t *ins, char *buf, size_t size);

/* Tag policies (label redock.policy, tagpolicy.h): how a container stands
 * to push ev, given every push of the drain pass (ev among them).  A
 * container moves to the best tag its policy allows among the pass's
 * pushes of its repository; any policy follows a push of the tag it runs
 * (a new digest of it) when no such move is in the pass, pin: only when
 * it runs the pinned tag. */
enum match_tag {
        MATCH_TAG_NONE,         /* not selected, not its repository, or digest and another tag */
        MATCH_TAG_SAME,         /* follows ev on the tag it runs */
        MATCH_TAG_MOVE,         /* follows ev to ev's tag (into to_tag) */
        MATCH_TAG_STAYS,        /* its repository, not a tag its policy takes now: why */
        MATCH_TAG_REFUSED,      /* the same, because a glob or regexp match is not a version: why */
        MATCH_TAG_BAD_LABEL,    /* its redock.policy label is refused: why */
};

/* to_tag: the tag it moves to (MATCH_TAG_MOVE), else "".  why: for STAYS
 * and REFUSED "stays on TAG (POLICY): reason", for BAD_LABEL "left alone:
 * ...", for MOVE and SAME the policy as written. */
enum match_tag match_tag_push(const struct config *cfg, const json_t *ins, const struct push_event *ev,
                              const struct push_event *const *pass, size_t n, char *to_tag, size_t to_size,
                              char *why, size_t why_size);

/* match_tag_push with policy_as ("pin:TAG", the repository's pin set
 * through the API) in place of the container's redock.policy label;
 * NULL: the label.  cache: where parsed policies are kept for the drain
 * pass (a regexp compiled once, not per container and question); NULL
 * parses each time. */
enum match_tag match_tag_push_as(const struct config *cfg, const json_t *ins, const struct push_event *ev,
                                 const struct push_event *const *pass, size_t n, const char *policy_as,
                                 struct tagpolicy_cache *cache, char *to_tag, size_t to_size, char *why,
                                 size_t why_size);

/* The decision itself, for any target that follows tags: a container
 * (match_tag_push_as, after its selection) or a Swarm service (swarm.c,
 * after swarm_service_pick).  running: the image it runs, by tag; labels:
 * its labels (redock.policy); the rest as match_tag_push_as.  The caller
 * has decided that the target is selected. */
enum match_tag match_tag_decide(const struct config *cfg, const struct imageref *running, const json_t *labels,
                                const struct push_event *ev, const struct push_event *const *pass, size_t n,
                                const char *policy_as, struct tagpolicy_cache *cache, char *to_tag, size_t to_size,
                                char *why, size_t why_size);

/* image with its tag replaced by tag (the user's spelling of the host and
 * repository kept), into out.  0, -EINVAL (pinned by digest, or no
 * image), -E2BIG. */
int match_retag(const char *image, const char *tag, char *out, size_t size);
