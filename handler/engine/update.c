/* update: container replacement and rollback. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "clock.h"
#include "ctrops.h"
#include "imageref.h"
#include "intent.h"
#include "lifecycle.h"
#include "lock.h"
#include "log.h"
#include "policy.h"
#include "recreate.h"
#include "regauth.h"
#include "repair.h"
#include "shutdown.h"
#include "update.h"


const char *update_outcome_name(enum update_outcome o)
{
        switch (o) {
        case UPDATE_UNCHANGED:   return "unchanged";
        case UPDATE_UPDATED:     return "updated";
        case UPDATE_ROLLED_BACK: return "rolled-back";
        case UPDATE_FAILED:      return "failed";
        case UPDATE_SKIPPED:     return "skipped";
        case UPDATE_AVAILABLE:   return "available";
        }
        return "unknown";
}

static void set_reason(struct update_result *res, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void set_reason(struct update_result *res, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
        va_end(ap);
}

/* The digest part of the image's first RepoDigest for repo, or "". */
static void repo_digest(const json_t *image, const char *repo, char *out, size_t size)
{
        const json_t *rd;
        size_t i, rlen = strlen(repo);

        out[0] = '\0';
        json_array_foreach(json_object_get(image, "RepoDigests"), i, rd) {
                const char *s = json_string_value(rd);
                if (s && strncmp(s, repo, rlen) == 0 && s[rlen] == '@') {
                        snprintf(out, size, "%s", s + rlen + 1);
                        return;
                }
        }
}

/* Start the old container again after a rollback: it has to run, so a
 * failure is tried again, with Docker's message in the log.  A transport
 * error on the way goes to *docker_err (the daemon went away meanwhile:
 * what made the update fail may have been that). */
static int restart_old(struct docker *d, const char *id, const char *name, int *docker_err)
{
        int r = 0;

        for (int attempt = 0; attempt < 3; attempt++) {
                json_t *reply = NULL;

                r = fault_fail("fail-restart-old") ? -EIO : ctr_start(d, id, &reply);
                if (r < 0 && r != -EIO)
                        *docker_err = r;
                if (r == 0 || ctr_is_running(d, id)) {
                        json_decref(reply);
                        return 0;
                }
                log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                        "start of the old container: %s%s", docker_error_message(reply),
                        attempt < 2 ? "; trying again" : "");
                json_decref(reply);
                sleep_ms(1000);
        }
        return r < 0 ? r : -EIO;
}

/* Wait until the new container runs (and is healthy when it has a
 * healthcheck) and has stayed up min_uptime_ms.  0, or -EIO with a
 * reason, or the negative status when Docker could not be asked. */
static int wait_healthy(struct docker *d, const char *id, int health_timeout, int min_uptime_ms,
                        struct update_result *res)
{
        long long deadline = now_ms() + (long long)health_timeout * 1000;
        long long running_since = 0;

        for (;;) {
                int status;
                json_t *j = ctr_inspect(d, "containers", id, &status);
                const json_t *st = json_object_get(j, "State");
                const char *s = json_string_value(json_object_get(st, "Status"));
                const char *health = json_string_value(json_object_get(json_object_get(st, "Health"), "Status"));
                bool running = s && strcmp(s, "running") == 0 &&
                               !json_is_true(json_object_get(st, "Restarting"));
                json_int_t code = json_integer_value(json_object_get(st, "ExitCode"));
                int r = 1;

                if (!j && status < 0)
                        set_reason(res, "Docker failed while the new container proved itself (%s)",
                                   strerror(-status)), r = status;
                else if (!j)
                        set_reason(res, "new container vanished (inspect: %d)", status), r = -EIO;
                else if (!running)
                        set_reason(res, "new container is %s (exit code %lld)", s ? s : "?", (long long)code), r = -EIO;
                else if (health && strcmp(health, "unhealthy") == 0)
                        set_reason(res, "new container is unhealthy"), r = -EIO;
                else {
                        if (!running_since)
                                running_since = now_ms();
                        if ((!health || strcmp(health, "healthy") == 0) &&
                            now_ms() - running_since >= min_uptime_ms)
                                r = 0;
                }
                json_decref(j);
                if (r <= 0)
                        return r;
                if (shutdown_requested()) {
                        set_reason(res, "redock was asked to stop before the new container proved itself");
                        return -EIO;
                }
                if (now_ms() > deadline) {
                        set_reason(res, "new container not %s within %d s",
                                   health ? "healthy" : "running", health_timeout);
                        return -EIO;
                }
                sleep_ms(250);
        }
}

static int connect_networks(struct docker *d, const char *id, json_t *later,
                            struct update_result *res)
{
        const char *net;
        json_t *ep;

        json_object_foreach(later, net, ep) {
                json_t *body = json_pack("{s:s,s:O}", "Container", id, "EndpointConfig", ep);
                json_t *err = NULL;
                int s = docker_callf(d, "POST", body, &err, 0, "/networks/%s/connect", net);
                json_decref(body);
                if (s != 200) {
                        set_reason(res, "connect to network %s: %s", net, docker_error_message(err));
                        json_decref(err);
                        return -EIO;
                }
                json_decref(err);
        }
        return 0;
}

static int stop_timeout_of(const json_t *old, const struct policy *pol, int dflt)
{
        const json_t *t = json_object_get(json_object_get(old, "Config"), "StopTimeout");

        if (pol->stop_timeout >= 0)
                return pol->stop_timeout;
        return json_is_integer(t) ? (int)json_integer_value(t) : dflt;
}

int update_stop_container(struct docker *d, const char *name, const json_t *inspect,
                          const struct config *cfg)
{
        struct policy pol;
        int r;

        policy_from_labels(json_object_get(json_object_get(inspect, "Config"), "Labels"), &pol);
        r = ctr_stop(d, name, pol.stop_signal, stop_timeout_of(inspect, &pol, cfg->stop_timeout));
        policy_free(&pol);
        return r;
}

/* The pre-update command decides whether to go on: 0 yes, exit 75 skip
 * (UPDATE_SKIPPED), anything else fail with nothing changed. */
static int run_pre_update(struct docker *d, const char *id, const char *name,
                          const struct policy *pol, struct update_result *res)
{
        int code = lifecycle_run(d, id, name, "pre-update", pol->pre_update, &pol->pre_timeout,
                                 POLICY_PRE_UPDATE_SKIP, "");

        if (code == 0)
                return 0;
        if (code == POLICY_PRE_UPDATE_SKIP) {
                res->outcome = UPDATE_SKIPPED;
                set_reason(res, "pre-update command asked to skip (exit %d)", code);
        } else if (code == -ETIMEDOUT)
                set_reason(res, "pre-update command did not finish in %d s", pol->pre_timeout.seconds);
        else
                set_reason(res, "pre-update command failed (%s %d)", code < 0 ? "error" : "exit", code);
        return -ECANCELED;
}

/* Remove the image the old container ran, unless something still uses
 * it (Docker refuses then, and that is fine). */
static void cleanup_image(struct docker *d, const char *image_id, const char *name)
{
        int s = docker_callf(d, "DELETE", NULL, NULL, 0, "/images/%s", image_id);

        log_ctx(s == 200 ? LOG_INFO : LOG_DEBUG, &(struct log_ctx){ .container = name },
                s == 200 ? "removed the old image %.19s" : "kept the old image %.19s (still in use)",
                image_id);
}

/* Undo a swap: the new one removed, the old one under its name again and
 * running if it is to run.  Each step is checked against what Docker
 * reports; 0 only when all of it is so.  A transport error seen on the
 * way goes to *docker_err. */
static int rollback(struct docker *d, const char *name, const char *old_id, const char *new_id,
                    bool run_after, int *docker_err)
{
        int r = ctr_remove(d, new_id, true);

        fault_point("in-rollback");
        if (r < 0)
                log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                        "could not remove the new container (%s)", strerror(-r));
        else if (!ctr_has_name(d, old_id, name)) {
                r = fault_fail("fail-rename-back") ? -EIO : ctr_rename(d, old_id, name);
                if (r < 0)
                        log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                                "could not rename the old container back to %s", name);
        }
        if (r < 0 && r != -EIO)
                *docker_err = r;
        if (r == 0 && run_after && (r = restart_old(d, old_id, name, docker_err)) < 0)
                log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                        "could not restart the old container");
        return r;
}

/* One replacement under way, from update_begin to update_end: what its
 * steps share. */
struct update {
        struct docker *d;
        const struct config *cfg;
        const struct update_opts *opts;
        struct update_result *res;
        json_t *old, *old_img, *new_img, *spec, *later;
        struct policy pol;
        char name[256], repo[600], tmpname[300], oldname[300], new_id[80];
        const char *image, *old_id, *old_image_id;
        const char *target;     /* what it is pulled and created from: opts->to_image, else image */
        bool was_running, run_after;
        bool intent_written;
        /* the swap is over for certain (done, or undone and verified):
         * only then does its intent record go */
        bool over;
        struct intent in;
        /* a step failed because Docker could not be asked: whatever the
         * rollback achieved, the job is kept and tried again */
        int docker_err;
        int r;                  /* what update_end returns */
        int lock;               /* the container's lock, held throughout */
        int step;               /* enum step: what is left to do */
        long long t0;
};

/* What a step leaves to do next. */
enum step {
        STEP_NEXT,              /* go on to the next step */
        STEP_DONE,              /* an outcome (or s->r) is reached */
        STEP_DISCARD,           /* remove the new container; the old one never stopped */
        STEP_ROLLBACK,          /* put the old container back (s->r: the failing call's) */
};

/* The container as it is, and its policy. */
static enum step look_at_old(struct update *s, const char *name_in)
{
        struct update_result *res = s->res;
        int status;

        if ((s->r = repair_one(s->d, s->cfg->state_dir, name_in)) < 0)
                return STEP_DONE;
        s->old = ctr_inspect(s->d, "containers", name_in, &status);
        if (!s->old) {
                if (status < 0)
                        s->r = status;
                else
                        set_reason(res, "no such container (inspect: %d)", status);
                return STEP_DONE;
        }
        snprintf(s->name, sizeof(s->name), "%s", recreate_name(s->old) ? recreate_name(s->old) : name_in);
        snprintf(res->name, sizeof(res->name), "%s", s->name);
        s->old_id = json_string_value(json_object_get(s->old, "Id"));
        s->old_image_id = json_string_value(json_object_get(s->old, "Image"));
        s->image = json_string_value(json_object_get(json_object_get(s->old, "Config"), "Image"));
        s->was_running = json_is_true(json_object_get(json_object_get(s->old, "State"), "Running"));
        s->run_after = s->was_running || s->opts->start;
        policy_from_labels(json_object_get(json_object_get(s->old, "Config"), "Labels"), &s->pol);
        if (!s->old_id || !s->old_image_id || !s->image) {
                set_reason(res, "unexpected inspect reply");
                return STEP_DONE;
        }
        s->target = s->opts->to_image && *s->opts->to_image ? s->opts->to_image : s->image;
        snprintf(res->image, sizeof(res->image), "%s", s->target);
        if (strcmp(s->target, s->image) != 0)
                snprintf(res->old_image, sizeof(res->old_image), "%s", s->image);
        snprintf(res->old_image_id, sizeof(res->old_image_id), "%s", s->old_image_id);
        snprintf(res->container_id, sizeof(res->container_id), "%s", s->old_id);
        return STEP_NEXT;
}

/* A recreate: the same image again, no pull, no comparison. */
static enum step same_image(struct update *s)
{
        int status;

        if (s->pol.monitor_only) {
                s->res->outcome = UPDATE_AVAILABLE;
                set_reason(s->res, "monitor-only: not recreated");
                return STEP_DONE;
        }
        s->old_img = ctr_inspect(s->d, "images", s->old_image_id, &status);
        if (!s->old_img && status < 0) {
                s->r = status;
                return STEP_DONE;
        }
        snprintf(s->res->new_image_id, sizeof(s->res->new_image_id), "%s", s->old_image_id);
        return STEP_NEXT;
}

/* 1. Pull; the same image id means there is nothing to do.  Then the
 * policy's last word: monitor-only, dry-run, the pre-update command. */
static enum step pull_new(struct update *s)
{
        struct update_result *res = s->res;
        const char *new_image_id;
        struct imageref ref;
        char *auth = NULL, *slash, *colon;
        int status, r;

        if (imageref_parse(s->target, &ref) < 0 || ref.digest[0]) {
                res->outcome = UPDATE_SKIPPED;
                set_reason(res, ref.digest[0] ? "pinned by digest" : "unparsable image reference");
                return STEP_DONE;
        }
        /* the repository as the user wrote it: Docker records RepoDigests
         * under that spelling ("nginx@sha256:...") */
        snprintf(s->repo, sizeof(s->repo), "%s", s->target);
        slash = strrchr(s->repo, '/');
        colon = strrchr(s->repo, ':');
        if (colon && (!slash || colon > slash))
                *colon = '\0';
        /* no credentials, or finding them failed (logged): anonymous */
        if (regauth_for_host(s->cfg, ref.registry, &auth) < 0)
                auth = NULL;
        r = docker_pull(s->d, s->repo, ref.tag, auth);
        regauth_free(auth);
        if (r < 0) {
                set_reason(res, "pull %s:%s: %s", s->repo, ref.tag, s->d->errbuf[0] ? s->d->errbuf : strerror(-r));
                /* no such tag, denied, a bad request: final.  Anything else
                 * (the daemon went away or restarted mid-pull, a 5xx, the
                 * registry unreachable) passes: the job is kept */
                s->r = r == -ENOENT || r == -EACCES || r == -EINVAL ? 0 : r;
                return STEP_DONE;
        }
        s->new_img = ctr_inspect(s->d, "images", s->target, &status);
        new_image_id = json_string_value(json_object_get(s->new_img, "Id"));
        if (!new_image_id) {
                set_reason(res, "pulled image %s not found (%d)", s->target, status);
                if (status < 0)
                        s->r = status;
                return STEP_DONE;
        }
        snprintf(res->new_image_id, sizeof(res->new_image_id), "%s", new_image_id);
        repo_digest(s->new_img, s->repo, res->new_digest, sizeof(res->new_digest));
        s->old_img = ctr_inspect(s->d, "images", s->old_image_id, &status);
        if (!s->old_img && status < 0) {
                /* its values decide what the new container inherits */
                s->r = status;
                return STEP_DONE;
        }
        repo_digest(s->old_img, s->repo, res->old_digest, sizeof(res->old_digest));
        if (strcmp(new_image_id, s->old_image_id) == 0) {
                res->outcome = UPDATE_UNCHANGED;
                return STEP_DONE;
        }
        if (s->pol.monitor_only || s->cfg->dry_run) {
                res->outcome = UPDATE_AVAILABLE;
                set_reason(res, s->pol.monitor_only ? "monitor-only: not replaced" : "dry-run: not replaced");
                return STEP_DONE;
        }
        fault_point("after-pull");
        if (s->was_running && s->pol.pre_update && run_pre_update(s->d, s->old_id, s->name, &s->pol, res) < 0)
                return STEP_DONE;
        return STEP_NEXT;
}

/* 2. Create the new one beside the old one, which keeps running; the
 * intent record first, so that a crash from here on can be undone. */
static enum step create_new(struct update *s)
{
        struct update_result *res = s->res;
        json_t *reply = NULL;
        int status, r;

        s->spec = recreate_spec(s->old, s->old_img, s->target, s->d->api_minor, &s->later);
        if (!s->spec) {
                set_reason(res, "cannot build the new container's config");
                return STEP_DONE;
        }
        if (s->opts->netns_to) {
                char mode[100];

                snprintf(mode, sizeof(mode), "container:%s", s->opts->netns_to);
                json_object_set_new(json_object_get(s->spec, "HostConfig"), "NetworkMode", json_string(mode));
        }
        snprintf(s->tmpname, sizeof(s->tmpname), "%s" SUFFIX_NEW, s->name);
        snprintf(s->oldname, sizeof(s->oldname), "%s" SUFFIX_OLD, s->name);
        snprintf(s->in.old_id, sizeof(s->in.old_id), "%s", s->old_id);
        s->in.was_running = s->was_running;
        if (intent_write(s->cfg->state_dir, s->name, &s->in) < 0) {
                set_reason(res, "cannot write the in-flight record under %s", s->cfg->state_dir);
                return STEP_DONE;
        }
        s->intent_written = true;
        status = docker_callf(s->d, "POST", s->spec, &reply, 0, "/containers/create?name=%s", s->tmpname);
        if (status != 201) {
                set_reason(res, "create: %s (%d)", docker_error_message(reply), status);
                json_decref(reply);
                if (status < 0)
                        s->docker_err = status; /* it may exist: the next run removes it */
                return STEP_DISCARD;
        }
        snprintf(s->new_id, sizeof(s->new_id), "%s", json_string_value(json_object_get(reply, "Id")) ?: "");
        json_decref(reply);
        if (!s->new_id[0]) {
                set_reason(res, "create returned no id");
                return STEP_DISCARD;
        }
        if ((r = connect_networks(s->d, s->new_id, s->later, res)) < 0) {
                if (r != -EIO)
                        s->docker_err = r;
                return STEP_DISCARD;
        }
        fault_point("after-create");
        if (shutdown_requested()) {
                set_reason(res, "redock was asked to stop; the old container was left running");
                return STEP_DISCARD;
        }
        return STEP_NEXT;
}

/* 3. Stop the old one (the caller stopped its dependents), swap the
 * names, start the new one. */
static enum step swap_in(struct update *s)
{
        struct update_result *res = s->res;
        json_t *reply = NULL;

        res->changed = true;
        if (s->was_running &&
            (s->r = ctr_stop(s->d, s->old_id, s->pol.stop_signal,
                                   stop_timeout_of(s->old, &s->pol, s->cfg->stop_timeout))) < 0) {
                set_reason(res, "stop old container failed");
                return STEP_ROLLBACK;
        }
        fault_point("after-stop");
        if ((s->r = ctr_rename(s->d, s->old_id, s->oldname)) < 0) {
                set_reason(res, "rename old container failed");
                return STEP_ROLLBACK;
        }
        if ((s->r = ctr_rename(s->d, s->new_id, s->name)) < 0) {
                set_reason(res, "rename new container failed");
                return STEP_ROLLBACK;
        }
        fault_point("after-rename");
        if (!s->run_after)
                return STEP_NEXT;
        s->r = fault_fail("fail-start") ? -EIO : ctr_start(s->d, s->new_id, &reply);
        if (s->r < 0) {
                set_reason(res, "start: %s", s->r == -EIO ? docker_error_message(reply) : strerror(-s->r));
                json_decref(reply);
                return STEP_ROLLBACK;
        }
        json_decref(reply);
        fault_point("after-start");
        return STEP_NEXT;
}

/* 4. The new one has to prove itself: running (healthy, if it has a
 * health check) and still up after min-uptime. */
static enum step prove_new(struct update *s)
{
        if (!s->run_after)
                return STEP_NEXT;
        s->r = wait_healthy(s->d, s->new_id, s->pol.health_timeout >= 0 ? s->pol.health_timeout
                                                                         : s->cfg->health_timeout,
                            s->cfg->min_uptime_ms, s->res);
        return s->r < 0 ? STEP_ROLLBACK : STEP_NEXT;
}

/* 5. Success: the old container goes, its volumes stay. */
static void keep_new(struct update *s)
{
        struct update_result *res = s->res;

        snprintf(res->container_id, sizeof(res->container_id), "%s", s->new_id);
        res->outcome = UPDATE_UPDATED;
        if (ctr_remove(s->d, s->old_id, true) == 0)
                s->over = true;
        else {
                /* the record now says so: the next run removes it, and never
                 * puts it back over the new one */
                log_ctx(LOG_WARNING, &(struct log_ctx){ .container = s->name },
                        "could not remove the old container %s; the next run will", s->oldname);
                s->in.proved = true;
                if (intent_write(s->cfg->state_dir, s->name, &s->in) < 0)
                        s->over = true; /* better kept aside than rolled back later */
        }
        if (s->run_after && s->pol.post_update && !s->opts->recreate) {
                /* its failure is logged, with its last lines; the update stands */
                lifecycle_run(s->d, s->new_id, s->name, "post-update", s->pol.post_update, &s->pol.post_timeout, -1,
                              "; the update stands");
        }
        if (s->cfg->cleanup && !s->opts->recreate)
                cleanup_image(s->d, s->old_image_id, s->name);
}

/* After a failure from the stop on: the old container back, unless the
 * policy keeps the new one. */
static void roll_back(struct update *s)
{
        struct update_result *res = s->res;

        /* s->r < 0 but for -EIO: Docker could not be asked */
        if (s->r < 0 && s->r != -EIO)
                s->docker_err = s->r;
        s->r = 0;
        if (!s->pol.rollback) {
                /* the label asked to keep the new one; the old one stays
                 * stopped aside for a human */
                log_ctx(LOG_ERR, &(struct log_ctx){ .container = s->name, .image = s->image },
                        "update failed and rollback is off: %s; the old container is kept as %s",
                        res->reason, ctr_has_name(s->d, s->old_id, s->name) ? s->name : s->oldname);
                s->over = true;
                return;
        }
        log_ctx(LOG_WARNING, &(struct log_ctx){ .container = s->name, .image = s->image },
                "rolling back: %s", res->reason);
        res->outcome = UPDATE_ROLLED_BACK;
        s->over = rollback(s->d, s->name, s->old_id, s->new_id, s->run_after, &s->docker_err) == 0;
        if (!s->over) {
                log_ctx(LOG_ERR, &(struct log_ctx){ .container = s->name },
                        "the rollback of %s did not finish; its in-flight record is kept and the next run "
                        "puts the old container back", s->name);
                s->r = s->docker_err ? s->docker_err : -EIO;
        } else if (s->docker_err)
                s->r = s->docker_err;
}

/* After a failure before the stop: the new container goes, the old one
 * never stopped. */
static void discard_new(struct update *s)
{
        s->over = ctr_remove(s->d, s->new_id[0] ? s->new_id : s->tmpname, true) == 0;
        if (!s->over || s->docker_err)
                s->r = s->docker_err ? s->docker_err : -EIO;
}

int update_begin(struct docker *d, const char *name, const struct update_opts *opts,
                 struct update_result *res, struct update **out)
{
        struct update *s = calloc(1, sizeof(*s));
        char dir[PATH_MAX];

        memset(res, 0, sizeof(*res));
        res->outcome = UPDATE_FAILED;
        snprintf(res->name, sizeof(res->name), "%s", name);
        *out = s;
        if (!s)
                return -ENOMEM;
        *s = (struct update){ .d = d, .cfg = opts->cfg, .opts = opts, .res = res, .t0 = now_ms(),
                              .step = STEP_DONE };
        snprintf(dir, sizeof(dir), "%s/locks", opts->cfg->state_dir);
        s->lock = lock_take(dir, name, true);
        if (s->lock < 0) {
                /* never without it: another process may be replacing the
                 * same container.  A retry (the job stays queued) once
                 * the cause is gone, e.g. a lock file a root run left. */
                if (s->lock != -EINTR) {
                        char hint[LOCK_HINT_MAX];

                        lock_owner_hint(dir, name, hint, sizeof(hint));
                        log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                                "cannot take the lock %s/%s.lock: %s; %s is not updated without it%s",
                                dir, name, strerror(-s->lock), name, hint);
                }
                set_reason(res, "cannot take its lock: %s", strerror(-s->lock));
                s->r = s->lock == -EINTR ? -EINTR : -ENOLCK;
                return s->r;
        }
        s->step = look_at_old(s, name);
        if (s->step == STEP_NEXT)
                s->step = opts->recreate ? same_image(s) : pull_new(s);
        if (s->step == STEP_NEXT)
                s->step = create_new(s);
        return s->step == STEP_NEXT || s->step == STEP_DISCARD ? 0 : s->r;
}

bool update_swap_next(const struct update *s)
{
        return s && s->step == STEP_NEXT;
}

int update_note_stopping(struct update *s, const char *const *names)
{
        size_t n = 0;

        while (names && names[n])
                n++;
        if (!update_swap_next(s) || n == 0)
                return 0;
        /* borrowed until update_end, so that a later write keeps them */
        s->in.dependents = (char **)names;
        s->in.n_dependents = n;
        if (intent_write(s->cfg->state_dir, s->name, &s->in) < 0) {
                set_reason(s->res, "cannot write the in-flight record under %s", s->cfg->state_dir);
                s->step = STEP_DISCARD;
                return -EIO;
        }
        return 0;
}

void update_swap(struct update *s)
{
        if (update_swap_next(s))
                s->step = swap_in(s);
        if (update_swap_next(s))
                s->step = prove_new(s);
        if (update_swap_next(s))
                keep_new(s);
        else if (s && s->step == STEP_ROLLBACK)
                roll_back(s);
        else if (s && s->step == STEP_DISCARD)
                discard_new(s);
        if (s)
                s->step = STEP_DONE;
}

int update_end(struct update *s)
{
        int r;

        if (!s)
                return -ENOMEM;
        if (s->step == STEP_DISCARD)
                discard_new(s); /* update_swap was not called: nothing was stopped */
        if (s->intent_written && s->over)
                intent_remove(s->cfg->state_dir, s->name);
        if (s->lock >= 0)
                close(s->lock);
        s->in.dependents = NULL;        /* borrowed */
        policy_free(&s->pol);
        json_decref(s->spec);
        json_decref(s->later);
        json_decref(s->new_img);
        json_decref(s->old_img);
        json_decref(s->old);
        s->res->duration_ms = now_ms() - s->t0;
        r = s->r;
        free(s);
        return r;
}

int update_container(struct docker *d, const char *name,
                     const struct update_opts *opts, struct update_result *res)
{
        struct update *u;

        update_begin(d, name, opts, res, &u);
        update_swap(u);
        return update_end(u);
}
