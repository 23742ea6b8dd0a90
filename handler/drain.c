/* drain: jobs -> targets -> update. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "batch.h"
#include "dependents.h"
#include "deps.h"
#include "docker.h"
#include "drain.h"
#include "log.h"
#include "policy.h"
#include "queue.h"
#include "shutdown.h"
#include "state.h"
#include "swarm.h"
#include "update.h"

/* Every container, inspected: the targets are among them, and the
 * dependency graph needs the others too.  The list shows an image id once
 * the tag moved on, so the configured reference comes from inspect.
 * Returns an array (in the order deps_build numbers its nodes), or NULL
 * with *err when Docker did not answer. */
static json_t *inspect_all(struct docker *d, int *err)
{
        json_t *list = NULL, *all = json_array();
        const json_t *c;
        size_t i;
        int status;

        status = docker_call(d, "GET", "/containers/json?all=1", NULL, &list, 0);
        if (status != 200 || !json_is_array(list) || !all) {
                *err = status < 0 ? status : -EIO;
                json_decref(list);
                json_decref(all);
                return NULL;
        }
        json_array_foreach(list, i, c) {
                const char *id = json_string_value(json_object_get(c, "Id"));
                json_t *ins = NULL;

                status = id ? docker_callf(d, "GET", NULL, &ins, 0, "/containers/%s/json", id) : 404;
                if (status < 0 || status >= 500) {
                        /* Docker failed: not "removed", or the job would miss it */
                        *err = status < 0 ? status : -EREMOTEIO;
                        json_decref(ins);
                        json_decref(list);
                        json_decref(all);
                        return NULL;
                }
                if (status != 200 || !json_is_object(ins)) {
                        json_decref(ins);
                        continue;       /* removed meanwhile */
                }
                json_array_append_new(all, ins);
        }
        json_decref(list);
        return all;
}

/* Does this container follow the push: opted in (any of the enable
 * labels), in this instance's scope, its image on the pushed tag, and not
 * one of redock's own temporary containers? */
static bool follows_push(const struct config *cfg, const json_t *ins, const struct push_event *ev)
{
        const json_t *config = json_object_get(ins, "Config");
        const char *image = json_string_value(json_object_get(config, "Image"));
        const char *name = json_string_value(json_object_get(ins, "Name"));
        struct policy pol;
        struct imageref ref;
        bool ok;

        policy_from_labels(json_object_get(config, "Labels"), &pol);
        ok = pol.enabled && policy_in_scope(&pol, cfg->scope);
        policy_free(&pol);
        return ok && image && name && imageref_parse(image, &ref) == 0 && imageref_matches_push(&ref, ev) &&
               !strstr(name, "-redock-new") && !strstr(name, "-redock-old");
}

/* What one drain has open: Docker, the state database (may be NULL:
 * history is then not recorded, the work goes on). */
struct drain_ctx {
        const struct config *cfg;
        struct docker d;
        struct state *state;
        struct drain_stats *st;
        const struct job *job;
};

static void record(struct drain_ctx *c, const char *target, const char *kind, const char *image,
                   const char *old_digest, const char *new_digest, const char *outcome,
                   long long duration_ms, const char *error)
{
        const struct history_row row = {
                .source = c->job ? c->job->source : NULL,
                .event_id = c->job && c->job->ev.event_id[0] ? c->job->ev.event_id : NULL,
                .target = target, .kind = kind, .image = image,
                .old_digest = old_digest && *old_digest ? old_digest : NULL,
                .new_digest = new_digest && *new_digest ? new_digest : NULL,
                .outcome = outcome, .duration_ms = duration_ms,
                .error = error && *error ? error : NULL,
        };

        if (c->state)
                state_record(c->state, &row);
}

/* Log a Swarm service's outcome and count it as a container's would be. */
static void report_service(const struct swarm_result *res, void *userdata)
{
        struct drain_ctx *c = userdata;
        struct log_ctx ctx = { .source = c->job->source, .container = res->service,
                               .image = res->image, .outcome = res->outcome };
        bool bad = !strcmp(res->outcome, "failed") || !strcmp(res->outcome, "rolled-back");

        if (!strcmp(res->outcome, "updated"))
                c->st->updated++;
        else if (!strcmp(res->outcome, "unchanged"))
                c->st->unchanged++;
        else if (bad)
                c->st->failed++;
        log_ctx(bad ? LOG_ERR : LOG_NOTICE, &ctx, "service %s: %s%s%s (%lld ms)", res->service,
                res->outcome, res->reason[0] ? ": " : "", res->reason, res->duration_ms);
        record(c, res->service, "service", res->image, NULL, c->job->ev.digest, res->outcome,
               res->duration_ms, res->reason);
}

static void report_container(struct drain_ctx *c, const char *image, const struct update_result *res)
{
        const char *name = res->name;
        struct log_ctx ctx = { .source = c->job ? c->job->source : NULL, .container = name,
                               .image = image, .outcome = update_outcome_name(res->outcome),
                               .digest = res->new_digest[0] ? res->new_digest : NULL };
        struct drain_stats *st = c->st;

        switch (res->outcome) {
        case UPDATE_UPDATED:
                st->updated++;
                log_ctx(LOG_NOTICE, &ctx, "updated %s to %s (%s -> %s) in %lld ms", name, image,
                        res->old_digest[0] ? res->old_digest : res->old_image_id,
                        res->new_digest[0] ? res->new_digest : res->new_image_id, res->duration_ms);
                break;
        case UPDATE_UNCHANGED:
                st->unchanged++;
                log_ctx(LOG_INFO, &ctx, "%s already runs the newest %s", name, image);
                break;
        case UPDATE_SKIPPED:
                log_ctx(LOG_INFO, &ctx, "%s skipped: %s", name, res->reason);
                break;
        case UPDATE_AVAILABLE:
                log_ctx(LOG_NOTICE, &ctx, "a newer %s is available for %s (%s): %s", image, name,
                        res->new_digest[0] ? res->new_digest : res->new_image_id, res->reason);
                break;
        case UPDATE_ROLLED_BACK:
                st->failed++;
                log_ctx(LOG_ERR, &ctx, "update of %s rolled back, the old container runs again: %s",
                        name, res->reason);
                break;
        case UPDATE_FAILED:
                st->failed++;
                log_ctx(LOG_ERR, &ctx, "update of %s failed%s: %s", name,
                        res->changed ? "" : ", nothing changed", res->reason);
                break;
        }
        record(c, name, "container", res->image[0] ? res->image : image, res->old_digest,
               res->new_digest, update_outcome_name(res->outcome), res->duration_ms, res->reason);
}

static bool failed(const struct update_result *res)
{
        return res->outcome == UPDATE_FAILED || res->outcome == UPDATE_ROLLED_BACK;
}

/* An update that failed before it touched anything. */
static void failed_unchanged(struct update_result *res, const char *name, const char *why)
{
        memset(res, 0, sizeof(*res));
        res->outcome = UPDATE_FAILED;
        snprintf(res->name, sizeof(res->name), "%s", name);
        snprintf(res->reason, sizeof(res->reason), "%s", why);
}

/* The cycle as a reason; one too long for it is cut there. */
static void cycle_reason(char *buf, size_t size, const char *why)
{
        snprintf(buf, size, "dependency cycle: %.400s", why);
}

/* Log and record an outcome.  A failed update does not use the event up:
 * the same push delivered again (after fixing credentials, say) is not
 * taken for a duplicate. */
static void conclude(struct drain_ctx *c, const char *image, const struct update_result *res)
{
        report_container(c, image, res);
        if (failed(res) && c->state)
                state_event_forget(c->state, c->job->source, &c->job->ev);
}

/* Update the container at index i of g with its dependents stopped before
 * the swap and started after it.  A dependency cycle is a failed update
 * that changes nothing. */
static int update_with_dependents(struct drain_ctx *c, const struct deps_graph *g, const json_t *all,
                                  size_t i, struct update_result *res)
{
        struct dependents dp;
        struct update_opts opts = { .cfg = c->cfg };
        char why[512] = "";
        int r;

        r = dependents_plan(&dp, &c->d, c->cfg, g, all, i, why, sizeof(why));
        if (r < 0) {
                char reason[sizeof(res->reason)];

                dependents_free(&dp);
                if (r == -ELOOP)
                        cycle_reason(reason, sizeof(reason), why);
                else
                        snprintf(reason, sizeof(reason), "%s", strerror(-r));
                failed_unchanged(res, g->nodes[i].name, reason);
                return 0;
        }
        opts.before_stop = dependents_stop;
        opts.stopping = dependents_stopping;
        opts.after = dependents_after;  /* dependents_restart, before the record goes */
        opts.arg = &dp;
        r = update_container(&c->d, g->nodes[i].name, &opts, res);
        dependents_free(&dp);
        return r;
}


struct at_once {
        struct drain_ctx *c;
        const struct deps_graph *g;
        const json_t *all;
        const size_t *idx;
};

/* In an update process of batch_run: its own Docker connection, as a
 * libcurl handle is not to be shared across fork. */
static int update_one_of_many(void *arg, size_t i, struct update_result *res)
{
        const struct at_once *a = arg;
        struct drain_ctx cc = *a->c;
        int r;

        r = docker_open(&cc.d, cc.cfg->docker_host);
        if (r == 0)
                r = update_with_dependents(&cc, a->g, a->all, a->idx[i], res);
        docker_close(&cc.d);
        return r;
}

/* rolling = no: every target at once, each in its own process, each
 * health-gated and rolled back on its own; a failure stops nobody else. */
static int update_at_once(struct drain_ctx *c, const struct deps_graph *g, const json_t *all,
                          const size_t *idx, size_t n, const char *image)
{
        struct at_once a = { .c = c, .g = g, .all = all, .idx = idx };
        struct update_result *res = calloc(n, sizeof(*res));
        int *rc = calloc(n, sizeof(*rc)), err = 0;

        if (!res || !rc || batch_run(n, update_one_of_many, &a, res, rc) < 0) {
                free(res);
                free(rc);
                return -ENOMEM;
        }
        log_ctx(LOG_INFO, &(struct log_ctx){ .source = c->job->source, .image = image },
                "push of %s: %zu containers replaced at once (rolling = no)", image, n);
        for (size_t i = 0; i < n; i++) {
                if (rc[i] < 0) {
                        err = rc[i];    /* Docker went away: keep the job */
                        continue;
                }
                if (!res[i].name[0])
                        snprintf(res[i].name, sizeof(res[i].name), "%s", g->nodes[idx[i]].name);
                conclude(c, image, &res[i]);
        }
        free(res);
        free(rc);
        if (err == 0 && shutdown_requested())
                err = -EINTR;   /* the job stays; what is done is done */
        return err;
}

/* One at a time, in idx's order (dependencies first).  With rolling, the
 * first failure stops the rest.  With cycle set (the targets' cycle), each
 * is a failed update that changes nothing.  0, or -errno to keep the job. */
static int update_in_turn(struct drain_ctx *c, const struct deps_graph *g, const json_t *all,
                          const size_t *idx, size_t n, const char *cycle, const char *image)
{
        for (size_t i = 0; i < n; i++) {
                struct update_result res;
                int r = 0;

                if (shutdown_requested())
                        return -EINTR;  /* the job stays; what is done is done */
                if (cycle) {
                        char reason[sizeof(res.reason)];

                        cycle_reason(reason, sizeof(reason), cycle);
                        failed_unchanged(&res, g->nodes[idx[i]].name, reason);
                } else {
                        r = update_with_dependents(c, g, all, idx[i], &res);
                }
                if (r < 0)
                        return r;       /* Docker went away: keep the job */
                conclude(c, image, &res);
                if (c->cfg->rolling && !cycle && failed(&res) && i + 1 < n) {
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .source = c->job->source, .image = image },
                                "rolling update of %s stopped at the first failure; %zu container(s) left as they are",
                                image, n - i - 1);
                        break;
                }
        }
        return 0;
}

static int process_job(struct drain_ctx *c)
{
        const struct job *job = c->job;
        char image[IMAGE_REF_MAX], why[512] = "";
        const json_t *ins;
        json_t *all;
        struct deps_graph g;
        size_t *idx, n = 0, i;
        bool cycle, at_once = false;
        int err = 0;

        snprintf(image, sizeof(image), "%s/%s:%s", job->ev.registry[0] ? job->ev.registry : "*",
                 job->ev.repository, job->ev.tag);
        all = inspect_all(&c->d, &err);
        if (!all)
                return err;
        idx = calloc(json_array_size(all) ? json_array_size(all) : 1, sizeof(*idx));
        if (!idx || deps_build(all, &g) < 0) {
                free(idx);
                json_decref(all);
                return -ENOMEM;
        }
        /* node i of g is container i of all */
        json_array_foreach(all, i, ins)
                if (follows_push(c->cfg, ins, &job->ev))
                        idx[n++] = i;
        if (n == 0)
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source, .image = image,
                                                     .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                        "push of %s: no opted-in container follows it", image);
        /* what others depend on goes first */
        cycle = deps_sort(&g, idx, n, why, sizeof(why)) == -ELOOP;
        if (!c->cfg->rolling && !cycle && n > 1) {
                char related[600] = "";

                at_once = deps_independent(&g, idx, n, related, sizeof(related));
                if (!at_once)
                        log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source, .image = image },
                                "push of %s: %s, so its %zu containers are replaced one at a time",
                                image, related, n);
        }
        err = at_once ? update_at_once(c, &g, all, idx, n, image)
                      : update_in_turn(c, &g, all, idx, n, cycle ? why : NULL, image);
        /* then the Swarm services that follow the same tag */
        if (err == 0)
                err = swarm_update(&c->d, c->cfg, &job->ev, report_service, c);
        deps_free(&g);
        free(idx);
        json_decref(all);
        return err < 0 ? err : 0;
}

static bool same_tag(const struct push_event *a, const struct push_event *b)
{
        return strcmp(a->registry, b->registry) == 0 && strcmp(a->repository, b->repository) == 0 &&
               strcmp(a->tag, b->tag) == 0;
}

static void sleep_s(int s)
{
        struct timespec ts = { s, 0 };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !shutdown_requested())
                ;
}

/* One pass over the queue.  Returns 0 when it is empty, -EAGAIN when jobs
 * were kept because Docker failed, other -errno. */
static int drain_pass(struct drain_ctx *c, bool *connected)
{
        struct job *jobs = NULL;
        char **names;
        size_t n, nj = 0;
        int r;

        r = queue_list(c->cfg->queue_dir, &names, &n);
        if (r < 0) {
                log_msg(LOG_ERR, "cannot list %s: %s", c->cfg->queue_dir, strerror(-r));
                return r;
        }
        if (n == 0) {
                queue_names_free(names, n);
                return 0;
        }
        if (!*connected) {
                r = docker_open(&c->d, c->cfg->docker_host);
                if (r < 0) {
                        log_msg(LOG_ERR, "Docker at %s not reachable (%s); %zu job(s) stay queued",
                                c->cfg->docker_host, c->d.errbuf[0] ? c->d.errbuf : strerror(-r), n);
                        docker_close(&c->d);
                        c->st->kept = (int)n;
                        queue_names_free(names, n);
                        return -EAGAIN;
                }
                *connected = true;
                /* what an interrupted swap left, before any new work */
                if (update_repair_all(&c->d, c->cfg) < 0)
                        log_msg(LOG_WARNING, "an interrupted update is not repaired yet; it is tried again");
        }
        jobs = calloc(n, sizeof(*jobs));
        for (size_t i = 0; jobs && i < n; i++) {
                int rr = queue_read(c->cfg->queue_dir, names[i], &jobs[nj]);
                if (rr == 0)
                        nj++;
                else if (rr != -ENOENT)
                        log_msg(LOG_ERR, "job %s is unreadable, moved aside", names[i]);
        }
        queue_names_free(names, n);
        if (!jobs)
                return -ENOMEM;

        r = 0;
        for (size_t i = 0; i < nj; i++) {
                bool superseded = false;

                if (shutdown_requested()) {
                        log_msg(LOG_NOTICE, "asked to stop: %zu job(s) stay queued", nj - i);
                        c->st->kept = (int)(nj - i);
                        r = -EAGAIN;
                        break;
                }

                /* a burst of pushes to one tag: only the newest counts,
                 * the pull gets the newest digest anyway */
                for (size_t j = i + 1; j < nj && !superseded; j++)
                        superseded = same_tag(&jobs[i].ev, &jobs[j].ev);
                if (!superseded) {
                        c->job = &jobs[i];
                        r = process_job(c);
                        c->job = NULL;
                }
                if (r == -EINTR) {
                        log_msg(LOG_NOTICE, "asked to stop during job %s: it stays queued", jobs[i].name);
                        c->st->kept = (int)(nj - i);
                        r = -EAGAIN;
                        break;
                }
                if (r < 0) {
                        log_msg(LOG_ERR, "Docker failed during job %s (%s); it stays queued",
                                jobs[i].name, strerror(-r));
                        c->st->kept = (int)(nj - i);
                        docker_close(&c->d);
                        *connected = false;
                        r = -EAGAIN;
                        break;
                }
                queue_remove(c->cfg->queue_dir, jobs[i].name);
                c->st->jobs++;
        }
        free(jobs);
        return r;
}

int drain_queue(const struct config *cfg, struct drain_stats *st, bool patient)
{
        struct drain_ctx c = { .cfg = cfg, .st = st };
        bool connected = false;
        time_t give_up = time(NULL) + cfg->retry_for;
        int lock, r, backoff = 1;

        memset(st, 0, sizeof(*st));
        lock = queue_lock(cfg->state_dir, true);
        if (lock < 0) {
                log_msg(LOG_ERR, "cannot take the queue lock in %s: %s", cfg->state_dir, strerror(-lock));
                return lock;
        }
        queue_clean_stale(cfg->queue_dir);
        if (state_open(cfg->state_dir, &c.state) < 0) {
                log_msg(LOG_WARNING, "no state database in %s: history is not recorded", cfg->state_dir);
                c.state = NULL;
        }

        /* Transient failures (Docker gone, a pull that timed out) keep the
         * job; a patient drain retries with backoff up to retry-for, then
         * leaves the jobs for the next run. */
        for (;;) {
                st->kept = 0;
                r = drain_pass(&c, &connected);
                if (r == 0 && st->kept == 0) {
                        bool more;
                        char **names;
                        size_t n;

                        /* new jobs may have come while we worked */
                        more = queue_list(cfg->queue_dir, &names, &n) == 0 && n > 0;
                        queue_names_free(names, n);
                        if (!more)
                                break;
                        continue;
                }
                if (r != -EAGAIN || !patient || time(NULL) + backoff > give_up || shutdown_requested())
                        break;
                log_msg(LOG_INFO, "retrying in %d s", backoff);
                sleep_s(backoff);
                backoff = backoff < 60 ? backoff * 2 : 60;
        }
        if (connected)
                docker_close(&c.d);
        if (c.state) {
                state_prune(c.state, 7 * 24 * 3600, 10000);
                state_close(c.state);
        }
        close(lock);
        return r;
}

int drain_update_names(const struct config *cfg, char **names, int n, FILE *out)
{
        struct drain_stats st = { 0 };
        struct drain_ctx c = { .cfg = cfg, .st = &st };
        struct deps_graph g = { 0 };
        json_t *all;
        int r, bad = 0;

        r = docker_open(&c.d, cfg->docker_host);
        if (r < 0) {
                log_msg(LOG_ERR, "Docker at %s: %s", cfg->docker_host,
                        c.d.errbuf[0] ? c.d.errbuf : strerror(-r));
                docker_close(&c.d);
                return r;
        }
        if (state_open(cfg->state_dir, &c.state) < 0)
                c.state = NULL;
        update_repair_all(&c.d, cfg);   /* logs what it cannot repair yet */
        /* every container, for the dependency graph */
        all = inspect_all(&c.d, &r);
        if (all && deps_build(all, &g) < 0) {
                json_decref(all);
                all = NULL;
        }
        for (int i = 0; i < n; i++) {
                const struct update_opts opts = { .cfg = cfg };
                struct update_result res;
                int k = all ? deps_find(&g, names[i]) : -1;

                if (shutdown_requested()) {
                        fprintf(out, "%s\tskipped\t-\tasked to stop\n", names[i]);
                        bad++;
                        continue;
                }

                r = k >= 0 ? update_with_dependents(&c, &g, all, (size_t)k, &res)
                           : update_container(&c.d, names[i], &opts, &res);
                if (r < 0) {
                        fprintf(out, "%s\terror\t-\t%s\n", names[i], strerror(-r));
                        bad++;
                        continue;
                }
                report_container(&c, res.image, &res);
                fprintf(out, "%s\t%s\t%s\t%s\n", res.name, update_outcome_name(res.outcome),
                        res.new_digest[0] ? res.new_digest : res.new_image_id[0] ? res.new_image_id : "-",
                        res.reason[0] ? res.reason : "-");
                if (failed(&res))
                        bad++;
        }
        if (all)
                deps_free(&g);
        json_decref(all);
        if (c.state)
                state_close(c.state);
        docker_close(&c.d);
        return bad ? -EIO : 0;
}
