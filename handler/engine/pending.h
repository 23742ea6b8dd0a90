/* pending: changes that wait for an operator's approval (issue 17), in
 * redock's database (table pending, a migration in state.c).
 *
 * One row per container and change: the push that would change it (its
 * source, registry, repository, tag and digest: what an approval queues
 * again), the reference it would move to, what it runs now, since when it
 * waits, and its state:
 *
 *   waiting     approval.c holds the container back; GET /pending lists it
 *   approved    POST /pending/ID/approve: the next drain replaces it
 *   done        an approved change the drain went ahead with
 *   rejected    POST /pending/ID/reject: that digest is never applied to
 *               that container (kept, so a redelivery does not ask again)
 *   superseded  a newer digest for the same container came meanwhile
 *
 * Waiting rows older than [api] pending-expire are dropped (logged); done
 * and superseded rows go after the same time.  Ids are never reused, so
 * an old approval link never names another change. */
#pragma once

#include <stddef.h>

#include "bounds.h"
#include "state.h"

#define PENDING_NAME_MAX        256     /* a container's name */
#define PENDING_STATE_MAX       16

struct pending_item {
        long long id;
        char target[PENDING_NAME_MAX];          /* container name */
        char source[SOURCE_NAME_MAX + 1];
        char registry[REGISTRY_HOST_MAX];       /* the push (may be "": match-host = any) */
        char repository[REPOSITORY_MAX];
        char tag[TAG_MAX];
        char to_ref[IMAGE_REF_MAX];             /* the reference it would move to */
        char from_image[IMAGE_REF_MAX];         /* the reference it runs ("" unknown) */
        char from_digest[DIGEST_MAX];           /* "" unknown */
        char to_digest[DIGEST_MAX];             /* "" when the push named none */
        long long since;                        /* unix seconds */
        char state[PENDING_STATE_MAX];
};

/* The row for target and digest (the newest of them), into *it.  1 found,
 * 0 none, -errno. */
int pending_lookup(struct state *st, const char *target, const char *digest, struct pending_item *it);

/* The row with id.  1 found, 0 none, -errno. */
int pending_get(struct state *st, long long id, struct pending_item *it);

/* Add it as a waiting row (it->id and it->since set here, since = now).
 * Older waiting rows of the same target become superseded: their ids are
 * put in superseded[0..*n) (at most max).  0 or -errno. */
int pending_add(struct state *st, struct pending_item *it, long long *superseded, size_t max, size_t *n);

/* Move row id from state from to state to.  1 moved, 0 it was not in
 * from (or is gone), -errno. */
int pending_decide(struct state *st, long long id, const char *from, const char *to);

/* Call fn for each row in state (NULL: every state), oldest first; a
 * non-zero return from fn stops and is returned. */
int pending_each(struct state *st, const char *state,
                 int (*fn)(const struct pending_item *it, void *userdata), void *userdata);

/* How many rows wait.  0 or -errno. */
int pending_count(struct state *st, long long *n);

/* What follows "/pending/" in an API path: "ID", "ID/approve" or
 * "ID/reject" (no I/O; the fuzz harness shares it).  0 with *id (1 ..
 * 10^18 - 1) and *action (NULL, "approve" or "reject", static) set;
 * -EINVAL when ID is not a positive number of at most 18 digits without
 * a leading zero (400),
 * -ENOENT for anything after it but those two (404). */
#define PENDING_ID_DIGITS_MAX   18
int pending_path_parse(const char *rest, long long *id, const char **action);

/* Drop waiting rows older than max_age_s (each logged), and done and
 * superseded rows decided longer ago.  Returns how many waiting rows were
 * dropped, or -errno. */
int pending_expire(struct state *st, long long now, long long max_age_s);
