/* approval: hold a follower back until its change is approved. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "approval.h"
#include "ctrops.h"
#include "listing.h"
#include "log.h"
#include "match.h"
#include "pending.h"
#include "policy.h"
#include "strutil.h"

#define SUPERSEDED_MAX  16      /* a container has one waiting change; more only after a crash */

bool approval_needed(const struct config *cfg, const json_t *ins, const char *source)
{
        int label = policy_approve(json_object_get(json_object_get(ins, "Config"), "Labels"));

        return label >= 0 ? label == 1 : config_approve(cfg, source);
}

/* A new waiting row for this change: said, and noted for [notify]. */
static void ask(struct state *st, const struct job *job, struct pending_item *it, const char *image,
                struct notify_batch *notes)
{
        struct log_ctx ctx = { .source = job->source, .container = it->target, .image = image,
                               .digest = it->to_digest[0] ? it->to_digest : NULL };
        long long older[SUPERSEDED_MAX];
        char why[128];
        size_t n = 0;

        if (pending_add(st, it, older, SUPERSEDED_MAX, &n) < 0) {
                log_ctx(LOG_ERR, &ctx, "push of %s: %s needs approval, but it cannot be recorded: not applied",
                        image, it->target);
                return;
        }
        for (size_t i = 0; i < n; i++)
                log_ctx(LOG_INFO, &ctx, "pending change %lld of %s is superseded by %lld (a newer digest)",
                        older[i], it->target, it->id);
        log_ctx(LOG_NOTICE, &ctx, "push of %s: %s waits for approval (id %lld): redock api POST /pending/%lld/approve "
                "applies it, POST /pending/%lld/reject drops it", image, it->target, it->id, it->id, it->id);
        snprintf(why, sizeof(why), "waits for approval (id %lld)", it->id);
        notify_note(notes, job->source, it->target, "container", it->to_ref, it->from_digest[0] ? it->from_digest : NULL,
                    it->to_digest[0] ? it->to_digest : NULL, "pending", 0, why);
}

bool approval_waits(const struct config *cfg, struct state *st, struct docker *d, const struct job *job,
                    const json_t *ins, const char *to_tag, const char *image, struct notify_batch *notes)
{
        const char *name = listing_name(ins), *digest = job->ev.digest;
        const char *running = json_string_value(json_object_get(json_object_get(ins, "Config"), "Image"));
        struct log_ctx ctx = { .source = job->source, .container = name, .image = image,
                               .digest = digest[0] ? digest : NULL };
        struct pending_item it;
        int r;

        if (!name || !approval_needed(cfg, ins, job->source))
                return false;
        if (!st) {
                log_ctx(LOG_ERR, &ctx, "push of %s: %s needs approval, but there is no state database to keep it "
                        "in: not applied", image, name);
                return true;
        }
        r = pending_lookup(st, name, digest, &it);
        if (r < 0) {
                log_ctx(LOG_ERR, &ctx, "push of %s: %s needs approval, which cannot be looked up: not applied",
                        image, name);
                return true;
        }
        /* a push without a digest cannot be told from the next one: a
         * decision on it binds only itself, the next one asks again */
        if (r == 1 && !digest[0] && (!strcmp(it.state, "done") || !strcmp(it.state, "rejected")))
                r = 0;
        if (r == 1 && (!strcmp(it.state, "approved") || !strcmp(it.state, "done"))) {
                /* done too: a drain that Docker failed goes again */
                if (!strcmp(it.state, "approved"))
                        pending_decide(st, it.id, "approved", "done");
                log_ctx(LOG_NOTICE, &ctx, "push of %s: %s was approved (id %lld): it is replaced", image, name,
                        it.id);
                return false;
        }
        if (r == 1 && !strcmp(it.state, "rejected")) {
                log_ctx(LOG_NOTICE, &ctx, "push of %s: %s is not updated to %s: it was rejected (id %lld)", image,
                        name, digest[0] ? digest : "this push", it.id);
                return true;
        }
        if (r == 1 && !strcmp(it.state, "waiting")) {
                log_ctx(LOG_INFO, &ctx, "push of %s: %s still waits for approval (id %lld)", image, name, it.id);
                return true;
        }
        /* nothing asked yet (or only a superseded ask): is there a change? */
        memset(&it, 0, sizeof(it));
        /* Docker unreachable is "not known": the change then waits,
         * which is the careful side */
        if (ctr_image_digests(d, json_string_value(json_object_get(ins, "Image")), digest, it.from_digest,
                              sizeof(it.from_digest)) == 1)
                return false;   /* it runs that digest: its update finds nothing to do */
        str_copy(it.target, sizeof(it.target), name);
        str_copy(it.source, sizeof(it.source), job->source);
        str_copy(it.registry, sizeof(it.registry), job->ev.registry);
        str_copy(it.repository, sizeof(it.repository), job->ev.repository);
        str_copy(it.tag, sizeof(it.tag), job->ev.tag);
        str_copy(it.to_digest, sizeof(it.to_digest), digest);
        str_copy(it.from_image, sizeof(it.from_image), running);
        if (!to_tag[0] || !running || match_retag(running, to_tag, it.to_ref, sizeof(it.to_ref)) < 0)
                str_copy(it.to_ref, sizeof(it.to_ref), running && !to_tag[0] ? running : image);
        ask(st, job, &it, image, notes);
        return true;
}

void approval_expire(const struct config *cfg, struct state *st)
{
        if (st)
                pending_expire(st, (long long)time(NULL), cfg->api_pending_expire);
}
