/* apipending: the approvals endpoints of the operator API.
 *
 *   GET  /pending              the waiting changes, oldest first
 *   GET  /pending/ID           one change, in any state
 *   POST /pending/ID/approve   202: approved, its push queued again, and
 *                              applied by this process after the answer
 *   POST /pending/ID/reject    200: rejected; that digest is never applied
 *
 * An unknown id is 404, a change no longer waiting 409, an id that is not
 * a number 400.  Waiting changes older than [api] pending-expire are
 * dropped before any of these looks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apiroute.h"
#include "drain.h"
#include "imageref.h"
#include "log.h"
#include "pending.h"
#include "queue.h"
#include "since.h"
#include "state.h"
#include "strutil.h"

/* {"image","tag","digest"} of a reference ("" digest: null); a reference
 * that does not parse (an image id) is the image, without a tag. */
static json_t *ref_json(const char *ref, const char *digest)
{
        struct imageref r;
        char image[REGISTRY_HOST_MAX + REPOSITORY_MAX + 2];

        if (ref[0] && imageref_parse(ref, &r) == 0) {
                snprintf(image, sizeof(image), "%s/%s", r.registry, r.repository);
                return json_pack("{s:s,s:s?,s:s?}", "image", image, "tag", r.tag[0] ? r.tag : NULL, "digest",
                                 digest[0] ? digest : NULL);
        }
        return json_pack("{s:s?,s:n,s:s?}", "image", ref[0] ? ref : NULL, "tag", "digest",
                         digest[0] ? digest : NULL);
}

static json_t *item_json(const struct pending_item *it)
{
        char since[32];

        since_iso_time(it->since, since, sizeof(since));
        return json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:s}", "id", (json_int_t)it->id, "container", it->target,
                         "source", it->source, "state", it->state, "from", ref_json(it->from_image, it->from_digest),
                         "to", ref_json(it->to_ref, it->to_digest), "since", since);
}

static int append_item(const struct pending_item *it, void *userdata)
{
        json_t *v = item_json(it);

        return v && json_array_append_new(userdata, v) == 0 ? 0 : -ENOMEM;
}

static int list(const struct api_call *call, struct state *st)
{
        json_t *arr;
        int r;

        if (!api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        arr = json_array();
        r = arr ? pending_each(st, "waiting", append_item, arr) : -ENOMEM;
        if (r == 0)
                r = api_answer_json(call, 200, arr);
        else
                r = api_answer(call, 500, "{\"error\":\"cannot read the pending changes\"}");
        json_decref(arr);
        return r;
}

/* Queue the approved change's push again, as a webhook would have. */
static int queue_again(const struct config *cfg, const struct pending_item *it)
{
        struct push_event ev;
        struct event_list one = { .v = &ev, .n = 1, .cap = 1 };
        int r = push_event_set(&ev, it->registry, it->repository, it->tag, it->to_digest[0] ? it->to_digest : NULL,
                               NULL, NULL);

        return r < 0 ? r : queue_push(cfg->queue_dir, it->source, &one);
}

/* 409's words: what became of it. */
static int not_waiting(const struct api_call *call, const struct pending_item *it)
{
        char body[128];

        snprintf(body, sizeof(body), "{\"error\":\"pending change %lld is %s, not waiting\"}", it->id, it->state);
        return api_answer(call, 409, body);
}

/* The approval is recorded and answered here; its drain is the caller's,
 * once the database is closed (*drain set). */
static int approve(const struct api_call *call, struct state *st, struct pending_item *it, bool *drain)
{
        json_t *v;
        int r = pending_decide(st, it->id, "waiting", "approved");

        if (r == 0 && pending_get(st, it->id, it) == 1)
                return not_waiting(call, it);   /* decided meanwhile */
        if (r <= 0)
                return api_answer(call, 500, "{\"error\":\"cannot record the approval\"}");
        r = queue_again(call->cfg, it);
        if (r < 0) {
                log_msg(LOG_ERR, "api: pending change %lld approved, but its push cannot be queued (%s): it waits again",
                        it->id, strerror(-r));
                pending_decide(st, it->id, "approved", "waiting");
                return api_answer(call, 500, "{\"error\":\"cannot queue the change; it waits again\"}");
        }
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = it->source, .container = it->target, .image = it->to_ref },
                "api: pending change %lld approved from %s: %s goes to %s %s", it->id, call->from, it->target,
                it->to_ref, it->to_digest[0] ? it->to_digest : "(no digest)");
        str_copy(it->state, sizeof(it->state), "approved");
        v = item_json(it);
        r = api_answer_json(call, 202, v);
        json_decref(v);
        *drain = true;
        return r;
}

static int reject(const struct api_call *call, struct state *st, struct pending_item *it)
{
        json_t *v;
        int r = pending_decide(st, it->id, "waiting", "rejected");

        if (r == 0 && pending_get(st, it->id, it) == 1)
                return not_waiting(call, it);
        if (r <= 0)
                return api_answer(call, 500, "{\"error\":\"cannot record the rejection\"}");
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = it->source, .container = it->target, .image = it->to_ref },
                "api: pending change %lld rejected from %s: %s is never updated to %s %s", it->id, call->from,
                it->target, it->to_ref, it->to_digest[0] ? it->to_digest : "(no digest)");
        str_copy(it->state, sizeof(it->state), "rejected");
        v = item_json(it);
        r = api_answer_json(call, 200, v);
        json_decref(v);
        return r;
}

/* /pending/ID[/approve|/reject]: call->rest is what follows "/pending/".
 * *approved: the id of a change approved here, for the caller's drain. */
static int one(const struct api_call *call, struct state *st, long long *approved)
{
        bool drain = false;
        const char *action = NULL;
        struct pending_item it;
        long long id = 0;
        int r = pending_path_parse(call->rest, &id, &action);

        if (r == -ENOENT)
                return api_answer(call, 404, "{\"error\":\"not found\"}");
        if (r < 0)
                return api_answer(call, 400, "{\"error\":\"a pending change's id is a positive number\"}");
        if (!action && !api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        if (action && strcmp(call->req->method, "POST") != 0)
                return api_method_not_allowed(call, "POST");
        r = pending_get(st, id, &it);
        if (r < 0)
                return api_answer(call, 500, "{\"error\":\"cannot read the pending changes\"}");
        if (r == 0)
                return api_answer(call, 404, "{\"error\":\"no such pending change\"}");
        if (!action) {
                json_t *v = item_json(&it);

                r = api_answer_json(call, 200, v);
                json_decref(v);
                return r;
        }
        if (strcmp(it.state, "waiting") != 0)
                return not_waiting(call, &it);
        if (strcmp(action, "approve") != 0)
                return reject(call, st, &it);
        r = approve(call, st, &it, &drain);
        if (drain)
                *approved = it.id;
        return r;
}

int api_pending(const struct api_call *call)
{
        bool listing = strcmp(call->req->path, "/pending") == 0;
        struct state *st = NULL;
        struct drain_stats ds;
        long long approved = 0;
        int r;

        if (state_open(call->cfg->state_dir, &st) < 0)
                return api_answer(call, 500, "{\"error\":\"cannot open redock's state\"}");
        /* what expired is gone before anyone sees or decides it */
        pending_expire(st, (long long)time(NULL), call->cfg->api_pending_expire);
        r = listing ? list(call, st) : one(call, st, &approved);
        /* closed before the drain opens its own: a second connection's
         * open and close of the file in this process would drop this
         * one's locks (POSIX locks are per process), and the drain's
         * writes then meet a database "malformed" */
        state_close(st);
        if (approved > 0) {
                /* the answer first; then the change, in this process (as
                 * the webhook's drain does): a drain already under way
                 * takes it instead, and what Docker refuses stays queued */
                http_release(call->cgi);
                drain_queue(call->cfg, &ds, false);
                log_msg(LOG_INFO, "api: drain after approval %lld: %d updated, %d unchanged, %d failed, %d kept",
                        approved, ds.updated, ds.unchanged, ds.failed, ds.kept);
        }
        return r;
}
