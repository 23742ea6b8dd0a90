/* route: hooks and ping. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fault.h"
#include "auth.h"
#include "event.h"
#include "imageref.h"
#include "log.h"
#include "queue.h"
#include "route.h"

static void reply(struct route_result *out, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void reply(struct route_result *out, int status, const char *fmt, ...)
{
        va_list ap;

        out->status = status;
        va_start(ap, fmt);
        vsnprintf(out->body, sizeof(out->body), fmt, ap);
        va_end(ap);
}

/* Split mode: past inbox-max-jobs or inbox-max-bytes the drain is not
 * keeping up (or a flood came): queue nothing, and let the registry retry
 * later.  An inbox that cannot be looked at is left to queue_push. */
static bool inbox_full(const struct config *cfg, size_t adding)
{
        long jobs;
        long long bytes;

        if (queue_usage(cfg->inbox_dir, cfg->inbox_max_jobs, cfg->inbox_max_bytes, &jobs, &bytes) < 0 ||
            (jobs + (long)adding <= cfg->inbox_max_jobs && bytes <= cfg->inbox_max_bytes))
                return false;
        log_msg(LOG_WARNING, "the inbox %s holds %s%ld entries, %s%lld bytes (inbox-max-jobs %ld, inbox-max-bytes %lld): "
                "answering 503", cfg->inbox_dir, jobs > cfg->inbox_max_jobs ? "over " : "", jobs,
                bytes > cfg->inbox_max_bytes ? "over " : "", bytes, cfg->inbox_max_jobs, cfg->inbox_max_bytes);
        return true;
}

static void route_hook(const struct config *cfg, const struct http_request *req,
                       const char *rest, struct route_result *out)
{
        const struct source *src;
        struct event_list events = { 0 };
        const char *format = NULL;
        char name[SOURCE_NAME_MAX + 1];
        size_t n = strcspn(rest, "/");
        const char *qdir;
        int r;

        /* /hooks/NAME or /hooks/NAME/SECRET (auth checks the secret) */
        if (n > SOURCE_NAME_MAX || (rest[n] == '/' && strchr(rest + n + 1, '/'))) {
                reply(out, 404, "{\"error\":\"no such source\"}");
                return;
        }
        memcpy(name, rest, n);
        name[n] = '\0';
        if (!source_name_valid(name) || !(src = config_source(cfg, name))) {
                reply(out, 404, "{\"error\":\"no such source\"}");
                return;
        }
        snprintf(out->source, sizeof(out->source), "%s", src->name);
        if (strcmp(req->method, "POST") != 0) {
                reply(out, 405, "{\"error\":\"use POST\"}");
                snprintf(out->allow, sizeof(out->allow), "POST");
                return;
        }
        if (!auth_check(src, req)) {
                log_ctx(LOG_WARNING, &(struct log_ctx){ .source = src->name },
                        "rejected a webhook from %s: bad or missing credentials",
                        req->remote_addr[0] ? req->remote_addr : "(local)");
                reply(out, 401, "{\"error\":\"unauthorized\"}");
                return;
        }

        r = event_parse(req->body ? req->body : "", req->body_len, src->format, req, &format, &events);
        if (r == -E2BIG) {
                reply(out, 413, "{\"error\":\"too many events\"}");
                goto out;
        }
        if (r < 0) {
                log_ctx(LOG_WARNING, &(struct log_ctx){ .source = src->name },
                        "rejected a payload: %s", r == -EPROTONOSUPPORT ?
                        "no known registry format" : "malformed");
                reply(out, 400, "{\"error\":\"%s\"}", r == -EPROTONOSUPPORT ?
                      "unrecognised payload format" : "malformed payload");
                goto out;
        }
        route_map_hosts(src, &events);
        if (events.n == 0) {
                /* pulls, blobs, deletes: fine, nothing to do; a 2xx keeps
                 * the registry from retrying */
                reply(out, 200, "{\"queued\":0}");
                goto out;
        }
        qdir = cfg->split ? cfg->inbox_dir : cfg->queue_dir;
        if (cfg->split && inbox_full(cfg, events.n)) {
                reply(out, 503, "{\"error\":\"inbox full\"}");
                goto out;
        }
        fault_point("before-queue");
        r = queue_push(qdir, src->name, &events);
        if (r < 0) {
                log_ctx(LOG_ERR, &(struct log_ctx){ .source = src->name },
                        "cannot queue %zu event(s) in %s: %s", events.n, qdir, strerror(-r));
                /* 503: the registry will deliver it again */
                reply(out, 503, "{\"error\":\"cannot queue\"}");
                goto out;
        }
        for (size_t i = 0; i < events.n; i++) {
                char image[IMAGE_REF_MAX];
                snprintf(image, sizeof(image), "%s/%s:%s", events.v[i].registry,
                         events.v[i].repository, events.v[i].tag);
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = src->name, .image = image,
                                                     .digest = events.v[i].digest[0] ? events.v[i].digest : NULL },
                        "queued push of %s (%s format)%s", image, format,
                        cfg->split ? " for redock-drain.service" : "");
        }
        /* Every delivery is queued, a registry's retry too: duplicates are
         * told apart where the queue is taken (drain.c), after the job is
         * on disk, so no claim is ever made for a job that was not. */
        reply(out, 202, "{\"queued\":%d}", r);
        out->drain = !cfg->split;
out:
        event_list_free(&events);
}

void route_request(const struct config *cfg, const struct http_request *req,
                   struct route_result *out)
{
        memset(out, 0, sizeof(*out));
        if (strncmp(req->path, "/hooks/", 7) == 0) {
                route_hook(cfg, req, req->path + 7, out);
                return;
        }
        if (strcmp(req->path, "/ping") == 0) {
                if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
                        reply(out, 405, "{\"error\":\"use GET\"}");
                        snprintf(out->allow, sizeof(out->allow), "GET, HEAD");
                } else
                        reply(out, 200, "{\"message\":\"pong\"}");
                return;
        }
        reply(out, 404, "{\"error\":\"not found\"}");
}
