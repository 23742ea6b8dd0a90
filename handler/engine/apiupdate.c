/* apiupdate: GET|POST /v1/update[?image=a,b], Watchtower's HTTP API
 * update.  It runs poll's check now (poll.h) for the selected containers
 * and services, limited to the named repositories when image= is given,
 * queues what changed as a webhook would, answers what it looked at and
 * queued, and then, with the peer released, drains the queue itself (as
 * the webhook's process does after its answer): the containers are
 * replaced by this process, the outcome in the history and the log. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "apiroute.h"
#include "drain.h"
#include "imagequery.h"
#include "log.h"
#include "poll.h"

/* {"images":[...],"targets":N,...}: what was looked at and queued. */
static json_t *answer_of(const struct poll_image *img, size_t n, const struct poll_stats *ps)
{
        json_t *a = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "targets", ps->targets, "asked", ps->asked, "changed",
                              ps->changed, "unchanged", ps->unchanged, "failed", ps->failed, "queued", ps->queued);
        json_t *images = n ? json_array() : json_null();

        for (size_t i = 0; a && images && i < n; i++) {
                json_t *o = json_pack("{s:o,s:i}", "repository",
                                      json_sprintf("%s/%s", img[i].ref.registry, img[i].ref.repository),
                                      "targets", img[i].targets);

                if (o && img[i].targets == 0)
                        json_object_set_new(o, "note", json_string("no selected container or service follows it"));
                json_array_append_new(images, o);
        }
        if (!a || !images || json_object_set_new(a, "images", images) < 0) {
                json_decref(a);
                return NULL;
        }
        return a;
}

int api_update(const struct api_call *call)
{
        struct poll_image img[IMAGEQUERY_MAX];
        struct poll_opts po = { 0 };
        struct poll_stats ps;
        struct drain_stats ds;
        char why[256], names[512] = "";
        size_t n = 0, used = 0;
        json_t *answer;
        int r;

        if (strcmp(call->req->method, "GET") != 0 && strcmp(call->req->method, "POST") != 0)
                return api_method_not_allowed(call, "GET, POST");
        /* a GET that changes things: the read-token may not */
        if (call->grant != API_GRANT_ALL) {
                log_msg(LOG_WARNING, "api: refused %s /v1/update from %s: the read-token may only read",
                        call->req->method, call->from);
                return api_answer(call, 403, "{\"error\":\"this token may only read\"}");
        }
        if (imagequery_parse(call->req->query, img, &n, why, sizeof(why)) < 0) {
                json_t *err = json_pack("{s:s}", "error", why);

                log_msg(LOG_WARNING, "api: refused %s /v1/update from %s: %s", call->req->method, call->from, why);
                r = api_answer_json(call, 400, err);
                json_decref(err);
                return r;
        }
        for (size_t i = 0; i < n && used + 2 < sizeof(names); i++)
                used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s/%s", i ? ", " : "",
                                         img[i].ref.registry, img[i].ref.repository);
        if (used >= sizeof(names))
                strcpy(names + sizeof(names) - 4, "...");
        log_msg(LOG_INFO, "api: %s /v1/update from %s: polling %s", call->req->method, call->from,
                n ? names : "every selected container and service");
        po.only = img;
        po.n_only = n;
        r = poll_run(call->cfg, &po, &ps);
        if (r < 0)
                return api_answer(call, 503, "{\"error\":\"Docker or the queue failed; see redock's log\"}");
        for (size_t i = 0; i < n; i++)
                if (img[i].targets == 0)
                        log_msg(LOG_INFO, "api: /v1/update: no selected container or service follows %s/%s",
                                img[i].ref.registry, img[i].ref.repository);
        log_msg(LOG_INFO, "api: /v1/update: %d target(s), %d tag(s) asked, %d changed, %d unchanged, %d failed, %d job(s) queued",
                ps.targets, ps.asked, ps.changed, ps.unchanged, ps.failed, ps.queued);
        answer = answer_of(img, n, &ps);
        r = api_answer_json(call, 200, answer);
        json_decref(answer);
        if (ps.queued == 0)
                return r;
        /* the Docker work, after the answer: one drain that does not wait
         * for the queue lock (a drain holding it takes these jobs) */
        http_release(call->cgi);
        drain_queue(call->cfg, &ds, false);
        log_msg(LOG_INFO, "drain: %d job(s) done, %d updated, %d unchanged, %d failed, %d kept", ds.jobs,
                ds.updated, ds.unchanged, ds.failed, ds.kept);
        return r;
}
