/* swarm: Swarm services, updated through the Swarm API.
 *
 * redock only edits the service's image (to the digest the registry reports for the pushed tag); Swarm
 * itself replaces the tasks under the service's own UpdateConfig and
 * RollbackConfig, and redock watches until it converges or rolls back.
 * Decisions on the JSON are in swarmspec.c; this file talks to Docker. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "imageref.h"
#include "bounds.h"
#include "log.h"
#include "match.h"
#include "regauth.h"
#include "swarm.h"
#include "swarmspec.h"

#define POLL_MS 500

/* one service's work: what it is, what it becomes, and its outcome */
struct svc_job {
        const json_t *svc;      /* element of GET /services */
        const char *id;
        const char *image;      /* its ContainerSpec.Image now */
        char to_tag[TAG_MAX];   /* the tag its policy moves it to, or "" (its own) */
        char target[IMAGE_REF_MAX + DIGEST_MAX];        /* "repo:tag@digest" */
        char why[256];          /* Swarm's reason to roll back, while it does */
        char *auth;             /* X-Registry-Auth for the image's registry, or NULL */
        struct swarm_result *res;
};

/* Decide the outcome, with a reason (fmt may be NULL). */
static void decide(struct swarm_result *res, const char *outcome, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void decide(struct swarm_result *res, const char *outcome, const char *fmt, ...)
{
        va_list ap;

        res->outcome = outcome;
        if (!fmt)
                return;
        va_start(ap, fmt);
        vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
        va_end(ap);
}

/* Docker's answer to a service call on a node that is no swarm manager
 * (no swarm at all, or a worker, which cannot change services): that is
 * most hosts, and no failure.  Any other refusal (a manager without a
 * leader answers 503 too) is, and the job waits. */
static bool not_a_manager(int status, const json_t *reply)
{
        return status == 503 && strstr(docker_error_message(reply), "not a swarm manager");
}

/* The digest the service's tag names now, as the registry answers the
 * daemon (GET /distribution, API 1.30, with the registry's credentials
 * when redock has them): that is what is deployed, whatever the job
 * says, and a job naming another digest changes nothing
 * (swarm_target_digest). */
static int target_digest(struct docker *d, const struct push_event *ev, const char *name,
                         const char *auth, char *out, size_t size, struct swarm_result *res)
{
        json_t *j = NULL;
        const char *dg;
        char path[IMAGE_REF_MAX + 32];
        int s;

        if (d->api_minor < 30) {
                decide(res, "failed", "API %s cannot ask the registry for the tag's digest", d->api);
                return 0;
        }
        if ((size_t)snprintf(path, sizeof(path), "/distribution/%s/json", name) >= sizeof(path)) {
                decide(res, "failed", "image reference too long");
                return 0;
        }
        s = docker_call_auth(d, "GET", path, NULL, &j, 0, auth);
        dg = json_string_value(json_object_get(json_object_get(j, "Descriptor"), "digest"));
        if (s == 200) {
                int r = swarm_target_digest(ev->digest, dg, out, size);

                if (r == -ESTALE)
                        decide(res, "skipped", "the registry names %s for %s, not the job's %s: nothing changed",
                               dg, name, ev->digest);
                else if (r < 0)
                        decide(res, "failed", "digest of %s: the registry's answer is not a digest", name);
        } else if (s >= 0)
                decide(res, "failed", "digest of %s: %d %s", name, s, docker_error_message(j));
        json_decref(j);
        return s < 0 ? s : 0;
}

/* POST the service's own spec with only the image changed: its update
 * and rollback config, ForceUpdate and everything else stay as they are.
 * With redock's credentials for the image's registry they go along as
 * X-Registry-Auth, and Swarm hands them to the nodes that pull; without,
 * the service keeps the credentials it was created with
 * (--with-registry-auth). */
static int post_update(struct docker *d, struct svc_job *job)
{
        json_t *spec = json_deep_copy(json_object_get(job->svc, "Spec")), *reply = NULL;
        json_t *cs = json_object_get(json_object_get(spec, "TaskTemplate"), "ContainerSpec");
        json_int_t version = json_integer_value(json_object_get(json_object_get(job->svc, "Version"), "Index"));
        char path[256];
        int s;

        if (!spec || !json_is_object(cs)) {
                json_decref(spec);
                decide(job->res, "failed", "service has no container spec");
                return 0;
        }
        json_object_set_new(cs, "Image", json_string(job->target));
        /* the version makes Swarm refuse the update if the service
         * changed since we read it, rather than undo that change */
        snprintf(path, sizeof(path), "/services/%.64s/update?version=%lld", job->id, (long long)version);
        s = docker_call_auth(d, "POST", path, spec, &reply, 0, job->auth);
        if (s >= 0 && s != 200)
                decide(job->res, "failed", "update refused: %d %s", s, docker_error_message(reply));
        json_decref(reply);
        json_decref(spec);
        return s < 0 ? s : 0;
}

/* 1 when every task that should run runs the target image, 0 when not
 * yet, -errno. */
static int tasks_converged(struct docker *d, struct svc_job *job, const json_t *svc)
{
        json_t *f = json_pack("{s:[s],s:[s]}", "service", job->id, "desired-state", "running");
        json_t *tasks = NULL;
        char *dump = f ? json_dumps(f, JSON_COMPACT) : NULL;
        char *q = dump ? docker_escape(d, dump) : NULL;
        int s = q ? docker_callf(d, "GET", NULL, &tasks, 0, "/tasks?filters=%s", q) : -ENOMEM;
        int r = s < 0 ? s : s == 200 && swarm_tasks_converged(svc, tasks, job->target);

        docker_free(q);
        free(dump);
        json_decref(f);
        json_decref(tasks);
        return r;
}

/* Why a task of the target image failed ("task: non-zero exit (3)"), for
 * a rollback that was over before redock saw it start: its message then
 * only says "rollback completed". */
static void failed_task_error(struct docker *d, struct svc_job *job, char *out, size_t size)
{
        json_t *f = json_pack("{s:[s]}", "service", job->id), *tasks = NULL;
        char *dump = f ? json_dumps(f, JSON_COMPACT) : NULL;
        char *q = dump ? docker_escape(d, dump) : NULL;
        const json_t *t;
        size_t i;

        out[0] = '\0';
        if (q && docker_callf(d, "GET", NULL, &tasks, 0, "/tasks?filters=%s", q) == 200)
                json_array_foreach(tasks, i, t) {
                        const json_t *cs = json_object_get(json_object_get(t, "Spec"), "ContainerSpec");
                        const char *img = json_string_value(json_object_get(cs, "Image"));
                        const char *err = json_string_value(json_object_get(json_object_get(t, "Status"), "Err"));

                        if (img && err && *err && strcmp(img, job->target) == 0) {
                                snprintf(out, size, "%s", err);
                                break;
                        }
                }
        docker_free(q);
        free(dump);
        json_decref(f);
        json_decref(tasks);
}

/* One look at the service: 1 when an outcome is reached, 0 to wait on,
 * -errno.  *state_out gets Swarm's state for the timeout's reason. */
static int look(struct docker *d, struct svc_job *job, char *state_out, size_t size)
{
        json_t *svc = NULL;
        const char *msg;
        int s = docker_callf(d, "GET", NULL, &svc, 0, "/services/%s", job->id), r = 0;
        const char *st = json_string_value(json_object_get(json_object_get(svc, "UpdateStatus"), "State"));

        snprintf(state_out, size, "%s", st ? st : "no update status");
        if (s < 0)
                return s;
        if (s != 200) {
                decide(job->res, "failed", "service gone during the update (%d)", s);
                json_decref(svc);
                return 1;
        }
        switch (swarm_update_state(svc, &msg)) {
        case SWARM_STATE_ROLLED_BACK:
                /* by now the message only says "rollback completed" */
                if (!job->why[0]) {
                        char err[200];

                        failed_task_error(d, job, err, sizeof(err));
                        if (err[0])
                                snprintf(job->why, sizeof(job->why), "%s; a new task failed: %s", msg, err);
                }
                decide(job->res, "rolled-back", "Swarm rolled back: %s", job->why[0] ? job->why : msg);
                /* the spec is the old one again */
                snprintf(job->res->image, sizeof(job->res->image), "%s", job->image);
                r = 1;
                break;
        case SWARM_STATE_PAUSED:
                decide(job->res, "failed", "Swarm paused the update (%s): %s", state_out, msg);
                r = 1;
                break;
        case SWARM_STATE_NONE:          /* not started yet */
        case SWARM_STATE_COMPLETED:
                r = tasks_converged(d, job, svc);
                if (r > 0)
                        decide(job->res, "updated", NULL);
                break;
        case SWARM_STATE_UPDATING:
                if (st && strcmp(st, "rollback_started") == 0)
                        snprintf(job->why, sizeof(job->why), "%s", msg);
                break;
        }
        json_decref(svc);
        return r;
}

/* Wait until Swarm has converged on the target, or rolled back, or the
 * budget is spent (which is a failure: redock does not know the end). */
static int wait_converged(struct docker *d, struct svc_job *job, int budget_s)
{
        long long deadline = now_ms() + (long long)budget_s * 1000;
        char state[64];

        for (;;) {
                int r = look(d, job, state, sizeof(state));

                if (r != 0)
                        return r < 0 ? r : 0;
                if (now_ms() > deadline) {
                        decide(job->res, "failed", "not converged within %d s (Swarm: %s)", budget_s, state);
                        return 0;
                }
                sleep_ms(POLL_MS);
        }
}

/* The reference "repo:tag" a service with image follows, its digest left
 * out, with tag in place of its own unless "": 0 or -ENAMETOOLONG. */
static int followed_ref(const char *image, const char *tag, char *out, size_t size)
{
        char name[IMAGE_REF_MAX], cur[DIGEST_MAX];

        if (swarm_image_split(image, name, sizeof(name), cur, sizeof(cur)) < 0)
                return -ENAMETOOLONG;
        if (!tag[0])
                return (size_t)snprintf(out, size, "%s", name) >= size ? -ENAMETOOLONG : 0;
        return match_retag(name, tag, out, size) < 0 ? -ENAMETOOLONG : 0;
}

/* One opted-in service that follows the push: 0 with res->outcome set,
 * or -errno. */
static int update_service(struct docker *d, const struct config *cfg, const struct push_event *ev,
                          struct svc_job *job, enum swarm_pick pick)
{
        struct swarm_result *res = job->res;
        char name[IMAGE_REF_MAX], digest[DIGEST_MAX] = "";
        struct imageref ref;
        int r;

        if (followed_ref(job->image, job->to_tag, name, sizeof(name)) < 0) {
                decide(res, "failed", "image reference too long");
                return 0;
        }
        /* no credentials, or finding them failed (logged): none sent */
        if (imageref_parse(name, &ref) == 0 && regauth_for_host(cfg, ref.registry, &job->auth) < 0)
                job->auth = NULL;
        r = target_digest(d, ev, name, job->auth, digest, sizeof(digest), res);
        if (r < 0 || res->outcome)
                return r;
        if (swarm_image_with_digest(name, digest, job->target, sizeof(job->target)) < 0) {
                decide(res, "failed", "image reference too long");
                return 0;
        }
        /* the same digest under another tag is still a move: the spec
         * then names the tag the service follows from now on */
        if (strcmp(job->image, job->target) == 0) {
                decide(res, "unchanged", NULL);
                return 0;
        }
        if (pick == SWARM_PICK_MONITOR || cfg->dry_run) {
                decide(res, "monitor-only", "%s is available (%s)", job->target,
                       cfg->dry_run ? "dry-run" : "monitor-only");
                return 0;
        }
        r = post_update(d, job);
        if (r < 0 || res->outcome)
                return r;
        /* a reference longer than the report holds is cut there */
        snprintf(res->image, sizeof(res->image), "%.*s", (int)sizeof(res->image) - 1, job->target);
        return wait_converged(d, job, swarm_wait_budget(job->svc, cfg->health_timeout));
}

/* Does the service follow ev, and to which tag (job->to_tag, "" for its
 * own)?  The containers' decision (match_tag_decide) on the service's
 * image and labels; a service of ev's repository that its policy keeps
 * where it is gets a line saying why. */
static bool service_follows(const struct config *cfg, const struct push_event *ev, const struct swarm_pass *sp,
                            const json_t *svc, const char *sname, struct svc_job *job)
{
        const struct push_event *const *pass = sp && sp->pass ? sp->pass : &ev;
        json_t *labels = swarm_service_labels(svc);
        char why[1024], image[IMAGE_REF_MAX + TAG_MAX], from[IMAGE_REF_MAX], to[IMAGE_REF_MAX];
        struct log_ctx ctx = { .container = sname, .image = image };
        struct imageref ref;
        enum match_tag m = MATCH_TAG_NONE;

        if (labels && swarm_image_ref(job->image, &ref) == 0)
                m = match_tag_decide(cfg, &ref, labels, ev, pass, sp && sp->pass ? sp->n : 1,
                                     sp ? sp->policy_as : NULL, NULL, job->to_tag, sizeof(job->to_tag), why,
                                     sizeof(why));
        json_decref(labels);
        snprintf(image, sizeof(image), "%s/%s:%s", ev->registry[0] ? ev->registry : "*", ev->repository, ev->tag);
        if (m == MATCH_TAG_STAYS || m == MATCH_TAG_REFUSED || m == MATCH_TAG_BAD_LABEL)
                log_ctx(m == MATCH_TAG_STAYS ? LOG_INFO : LOG_WARNING, &ctx, "push of %s: service %s %s", image,
                        sname, why);
        else if (m == MATCH_TAG_MOVE && followed_ref(job->image, "", from, sizeof(from)) == 0 &&
                 followed_ref(job->image, job->to_tag, to, sizeof(to)) == 0)
                log_ctx(LOG_NOTICE, &ctx, "push of %s: service %s moves from %s to %s (%s)", image, sname, from,
                        to, why);
        return m == MATCH_TAG_SAME || m == MATCH_TAG_MOVE;
}

int swarm_update(struct docker *d, const struct config *cfg, const struct push_event *ev,
                 const struct swarm_pass *sp, swarm_report_fn report, void *userdata)
{
        json_t *list = NULL;
        const json_t *svc;
        size_t i;
        int s, r = 0, n = 0;

        /* asked straight away: GET /info, the other way to know, costs a
         * daemon ten times as much */
        s = docker_call(d, "GET", "/services", NULL, &list, 0);
        if (s != 200 || !json_is_array(list)) {
                r = not_a_manager(s, list) ? 0 : s < 0 ? s : -EIO;
                json_decref(list);
                return r;
        }
        json_array_foreach(list, i, svc) {
                struct swarm_result res = { .outcome = NULL };
                struct svc_job job = { .svc = svc, .res = &res };
                const json_t *cs = json_object_get(json_object_get(json_object_get(svc, "Spec"),
                                                                   "TaskTemplate"), "ContainerSpec");
                const char *sname = json_string_value(json_object_get(json_object_get(svc, "Spec"), "Name"));
                enum swarm_pick pick = swarm_service_pick(svc, cfg->scope);
                long long t0 = now_ms();

                job.id = json_string_value(json_object_get(svc, "ID"));
                job.image = json_string_value(json_object_get(cs, "Image"));
                if (pick == SWARM_PICK_NO || !job.id || !job.image ||
                    !service_follows(cfg, ev, sp, svc, sname ? sname : job.id, &job))
                        continue;
                snprintf(res.service, sizeof(res.service), "%s", sname ? sname : job.id);
                snprintf(res.image, sizeof(res.image), "%s", job.image);
                snprintf(res.old_image, sizeof(res.old_image), "%s", job.image);
                r = update_service(d, cfg, ev, &job, pick);
                regauth_free(job.auth);
                job.auth = NULL;
                if (r < 0)
                        break;  /* Docker went away: the job is retried */
                res.duration_ms = now_ms() - t0;
                if (report)
                        report(&res, userdata);
                n++;
        }
        json_decref(list);
        return r < 0 ? r : n;
}
