/* drain: jobs -> targets -> update. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "docker.h"
#include "drain.h"
#include "log.h"
#include "policy.h"
#include "queue.h"
#include "swarm.h"
#include "update.h"

/* Names of the containers that opted in (any of the enable labels), are
 * in this instance's scope, and follow the pushed tag.  Returns a JSON
 * array of strings, or NULL when Docker did not answer. */
static json_t *find_targets(struct docker *d, const struct config *cfg,
                            const struct push_event *ev, int *err)
{
        json_t *list = NULL, *names = json_array();
        const json_t *c;
        size_t i;
        char path[512];
        int status;

        status = docker_call(d, "GET", "/containers/json?all=1", NULL, &list, 0);
        if (status != 200 || !json_is_array(list)) {
                *err = status < 0 ? status : -EIO;
                json_decref(list);
                json_decref(names);
                return NULL;
        }
        json_array_foreach(list, i, c) {
                const char *id = json_string_value(json_object_get(c, "Id"));
                json_t *ins = NULL;
                struct policy pol;
                struct imageref ref;
                const char *image, *name;

                policy_from_labels(json_object_get(c, "Labels"), &pol);
                policy_free(&pol);
                if (!id || !pol.enabled || !policy_in_scope(&pol, cfg->scope))
                        continue;
                /* the list shows an image id once the tag moved on, so the
                 * configured reference comes from inspect */
                snprintf(path, sizeof(path), "/containers/%s/json", id);
                if (docker_call(d, "GET", path, NULL, &ins, 0) == 200) {
                        image = json_string_value(json_object_get(json_object_get(ins, "Config"), "Image"));
                        name = json_string_value(json_object_get(ins, "Name"));
                        if (image && name && imageref_parse(image, &ref) == 0 &&
                            imageref_matches_push(&ref, ev) &&
                            !strstr(name, "-redock-new") && !strstr(name, "-redock-old"))
                                json_array_append_new(names, json_string(name[0] == '/' ? name + 1 : name));
                }
                json_decref(ins);
        }
        json_decref(list);
        return names;
}

struct service_report {
        struct drain_stats *st;
        const char *source;
};

/* Log a Swarm service's outcome and count it as a container's would be. */
static void report_service(const struct swarm_result *res, void *userdata)
{
        struct service_report *sr = userdata;
        struct log_ctx ctx = { .source = sr->source, .container = res->service,
                               .image = res->image, .outcome = res->outcome };
        bool bad = !strcmp(res->outcome, "failed") || !strcmp(res->outcome, "rolled-back");

        if (!strcmp(res->outcome, "updated"))
                sr->st->updated++;
        else if (!strcmp(res->outcome, "unchanged"))
                sr->st->unchanged++;
        else if (bad)
                sr->st->failed++;
        log_ctx(bad ? LOG_ERR : LOG_NOTICE, &ctx, "service %s: %s%s%s (%lld ms)", res->service,
                res->outcome, res->reason[0] ? ": " : "", res->reason, res->duration_ms);
}

static int process_job(struct docker *d, const struct config *cfg, const struct job *job,
                       struct drain_stats *st)
{
        const struct update_opts opts = { .cfg = cfg };
        char image[IMAGE_REF_MAX];
        json_t *targets;
        const json_t *t;
        size_t i;
        int err = 0;

        snprintf(image, sizeof(image), "%s/%s:%s", job->ev.registry, job->ev.repository, job->ev.tag);
        targets = find_targets(d, cfg, &job->ev, &err);
        if (!targets)
                return err;
        if (json_array_size(targets) == 0)
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source, .image = image,
                                                     .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                        "push of %s: no opted-in container follows it", image);

        json_array_foreach(targets, i, t) {
                struct update_result res;
                const char *name = json_string_value(t);
                struct log_ctx ctx = { .source = job->source, .container = name, .image = image };
                int r = update_container(d, name, &opts, &res);

                if (r < 0)
                        return r;       /* Docker went away: keep the job */
                ctx.outcome = update_outcome_name(res.outcome);
                ctx.digest = res.new_digest[0] ? res.new_digest : NULL;
                switch (res.outcome) {
                case UPDATE_UPDATED:
                        st->updated++;
                        log_ctx(LOG_NOTICE, &ctx, "updated %s to %s (%s -> %s) in %lld ms", name, image,
                                res.old_digest[0] ? res.old_digest : res.old_image_id,
                                res.new_digest[0] ? res.new_digest : res.new_image_id, res.duration_ms);
                        break;
                case UPDATE_UNCHANGED:
                        st->unchanged++;
                        log_ctx(LOG_INFO, &ctx, "%s already runs the newest %s", name, image);
                        break;
                case UPDATE_SKIPPED:
                        log_ctx(LOG_INFO, &ctx, "%s skipped: %s", name, res.reason);
                        break;
                case UPDATE_AVAILABLE:
                        log_ctx(LOG_NOTICE, &ctx, "a newer %s is available for %s (%s): %s", image, name,
                                res.new_digest[0] ? res.new_digest : res.new_image_id, res.reason);
                        break;
                case UPDATE_ROLLED_BACK:
                        st->failed++;
                        log_ctx(LOG_ERR, &ctx, "update of %s rolled back, the old container runs again: %s",
                                name, res.reason);
                        break;
                case UPDATE_FAILED:
                        st->failed++;
                        log_ctx(LOG_ERR, &ctx, "update of %s failed%s: %s", name,
                                res.changed ? "" : ", nothing changed", res.reason);
                        break;
                }
        }
        json_decref(targets);
        /* then the Swarm services that follow the same tag */
        err = swarm_update(d, cfg, &job->ev, report_service,
                           &(struct service_report){ .st = st, .source = job->source });
        return err < 0 ? err : 0;
}

int drain_queue(const struct config *cfg, struct drain_stats *st)
{
        struct docker d = { 0 };
        bool connected = false;
        int lock, r = 0;

        memset(st, 0, sizeof(*st));
        lock = queue_lock(cfg->state_dir, true);
        if (lock < 0) {
                log_msg(LOG_ERR, "cannot take the queue lock in %s: %s", cfg->state_dir, strerror(-lock));
                return lock;
        }
        queue_clean_stale(cfg->queue_dir);

        for (;;) {
                char **names;
                size_t n;

                r = queue_list(cfg->queue_dir, &names, &n);
                if (r < 0) {
                        log_msg(LOG_ERR, "cannot list %s: %s", cfg->queue_dir, strerror(-r));
                        break;
                }
                if (n == 0) {
                        queue_names_free(names, n);
                        break;
                }
                if (!connected) {
                        r = docker_open(&d, cfg->docker_host);
                        if (r < 0) {
                                log_msg(LOG_ERR, "Docker at %s not reachable (%s); %zu job(s) stay queued",
                                        cfg->docker_host, d.errbuf[0] ? d.errbuf : strerror(-r), n);
                                st->kept = (int)n;
                                queue_names_free(names, n);
                                break;
                        }
                        connected = true;
                }
                for (size_t i = 0; i < n && r == 0; i++) {
                        struct job job;
                        int rr = queue_read(cfg->queue_dir, names[i], &job);

                        if (rr == -ENOENT)
                                continue;
                        if (rr < 0) {
                                log_msg(LOG_ERR, "job %s is unreadable, moved aside", names[i]);
                                continue;
                        }
                        rr = process_job(&d, cfg, &job, st);
                        if (rr < 0) {
                                log_msg(LOG_ERR, "Docker failed during job %s (%s); it stays queued",
                                        names[i], strerror(-rr));
                                st->kept = (int)(n - i);
                                r = rr;
                                break;
                        }
                        queue_remove(cfg->queue_dir, names[i]);
                        st->jobs++;
                }
                queue_names_free(names, n);
                if (r < 0)
                        break;
        }
        docker_close(&d);
        close(lock);
        return r;
}
