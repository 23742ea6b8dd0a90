/* drainfollow: which containers follow the push at hand (c->job), where
 * a tag policy moves them, and why the others are left alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctrops.h"
#include "drainfollow.h"
#include "holdstate.h"
#include "listing.h"
#include "log.h"
#include "match.h"

/* The pushed repository's row when the API pinned it to a tag, else NULL. */
static const struct repo_row *pinned(const struct drain_ctx *c)
{
        const struct repo_row *row = repos_find(&c->repos, c->cfg, &c->job->ev);

        return row && row->pinned_tag[0] ? row : NULL;
}

const char *drain_pin_policy(const struct drain_ctx *c, char *buf, size_t size)
{
        const struct repo_row *pin = pinned(c);

        if (!pin)
                return NULL;
        snprintf(buf, size, "pin:%s", pin->pinned_tag);
        return buf;
}

/* Does the container follow the push at hand (c->job)?  When it moves to
 * the pushed tag under its redock.policy, that tag into to_tag (else "");
 * the policy as written into policy. */
bool drain_follows(struct drain_ctx *c, const json_t *ins, char *to_tag, size_t to_size, char *policy,
                   size_t policy_size)
{
        const struct push_event *one = &c->job->ev;
        char as[TAG_MAX + 8];
        enum match_tag m;

        /* a pin set through the API rules over the labels while it is set */
        m = match_tag_push_as(c->cfg, ins, one, c->pass ? c->pass : &one, c->pass ? c->n_pass : 1,
                              drain_pin_policy(c, as, sizeof(as)), &c->policies, to_tag, to_size, policy,
                              policy_size);

        return m == MATCH_TAG_SAME || m == MATCH_TAG_MOVE;
}

/* Was the push's digest rolled back on this container before?  Then it
 * is not tried again (said, with what tries again). */
bool drain_refused_digest(struct drain_ctx *c, const json_t *ins, const char *image)
{
        const char *name = listing_name(ins), *digest = c->job->ev.digest;
        char reason[512];
        long long when;

        /* a pin is the operator's explicit choice: it is deployed even so */
        if (!c->state || !name || !digest[0] || pinned(c) ||
            state_refused(c->state, name, digest, reason, sizeof(reason), &when) != 1)
                return false;
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = c->job->source, .container = name, .image = image,
                                               .digest = digest },
                "push of %s: %s is not updated to %s again: it was rolled back (%s); a new digest, or redock update %s --force, tries again",
                image, name, digest, reason, name);
        return true;
}

/* For a follower that moves to the pushed tag under its policy: the
 * reference it moves to (allocated), said in the log; NULL otherwise. */
char *drain_move_to(struct drain_ctx *c, const json_t *ins, const char *image, const char *to_tag,
                    const char *policy)
{
        const char *running = json_string_value(json_object_get(json_object_get(ins, "Config"), "Image"));
        const char *name = listing_name(ins);
        char ref[IMAGE_REF_MAX];

        if (!to_tag[0] || !running || match_retag(running, to_tag, ref, sizeof(ref)) < 0)
                return NULL;
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = c->job->source, .container = name, .image = image },
                "push of %s: %s moves from %s to %s (%s)", image, name ? name : "?", running, ref, policy);
        return strdup(ref);
}

/* Do the containers among the opted-in ones that follow the push all run
 * its digest already?  1 yes (or none follows it), 0 no, -errno. */
int drain_followers_run_digest(struct drain_ctx *c, const json_t *opted_in)
{
        const json_t *ins;
        size_t i;

        json_array_foreach(opted_in, i, ins) {
                char to_tag[TAG_MAX], policy[600];
                int r;

                if (!drain_follows(c, ins, to_tag, sizeof(to_tag), policy, sizeof(policy)))
                        continue;
                r = ctr_image_digests(&c->d, json_string_value(json_object_get(ins, "Image")), c->job->ev.digest,
                                      NULL, 0);
                if (r <= 0)
                        return r;
        }
        return 1;
}

/* Say why containers that name the pushed repository and tag are left
 * alone: a stopped follower always (info), and when nothing follows the
 * push, each near miss (another host or scope) with the key that would
 * make it follow. */
void drain_log_misses(struct drain_ctx *c, const json_t *opted_in, const char *image, bool none_follow)
{
        const struct job *job = c->job;
        const json_t *ins;
        size_t i;

        json_array_foreach(opted_in, i, ins) {
                const char *name = listing_name(ins), *moved;
                struct log_ctx ctx = { .source = job->source, .image = image };
                char why[1024], to_tag[TAG_MAX];
                enum match_miss m;
                enum match_tag t;

                if (!name)
                        continue;
                ctx.container = name;
                /* a tag policy that does not take this push: why */
                t = match_tag_push_as(c->cfg, ins, &job->ev,
                                      c->pass ? c->pass : &(const struct push_event *){ &job->ev },
                                      c->pass ? c->n_pass : 1, NULL, &c->policies, to_tag, sizeof(to_tag), why,
                                      sizeof(why));
                /* listed at the pass's start, it still shows the tag it
                 * ran then: "stays on" that tag would no longer be true */
                if ((t == MATCH_TAG_STAYS || t == MATCH_TAG_REFUSED) && (moved = drain_moved_to(c, name))) {
                        log_ctx(LOG_INFO, &ctx, "push of %s: %s moved to %s earlier in this pass", image, name,
                                moved);
                        continue;
                }
                if (t == MATCH_TAG_STAYS || t == MATCH_TAG_REFUSED || t == MATCH_TAG_BAD_LABEL) {
                        log_ctx(t == MATCH_TAG_STAYS ? LOG_INFO : LOG_WARNING, &ctx, "push of %s: %s %s", image,
                                name, why);
                        continue;
                }
                m = match_near_miss(c->cfg, ins, job->source, &job->ev, why, sizeof(why));
                if (m == MATCH_STOPPED)
                        log_ctx(LOG_INFO, &ctx, "push of %s: %s is not running (%s), left alone (include-stopped = no)",
                                image, name, why);
                else if (m == MATCH_NEAR && none_follow)
                        log_ctx(LOG_NOTICE, &ctx, "push of %s: near miss %s: %s", image, name, why);
        }
}

int drain_moved_note(struct drain_ctx *c, const char *name, const char *ref)
{
        struct drain_moved *v = reallocarray(c->moved, c->n_moved + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        c->moved = v;
        v[c->n_moved].name = strdup(name);
        v[c->n_moved].ref = strdup(ref);
        if (!v[c->n_moved].name || !v[c->n_moved].ref) {
                free(v[c->n_moved].name);
                free(v[c->n_moved].ref);
                return -ENOMEM;
        }
        c->n_moved++;
        return 0;
}

const char *drain_moved_to(const struct drain_ctx *c, const char *name)
{
        for (size_t i = c->n_moved; i-- > 0;)  /* the last move counts */
                if (strcmp(c->moved[i].name, name) == 0)
                        return c->moved[i].ref;
        return NULL;
}

void drain_follow_end(struct drain_ctx *c)
{
        tagpolicy_cache_free(&c->policies);
        for (size_t i = 0; i < c->n_moved; i++) {
                free(c->moved[i].name);
                free(c->moved[i].ref);
        }
        free(c->moved);
        c->moved = NULL;
        c->n_moved = 0;
}
