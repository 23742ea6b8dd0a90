/* drain: jobs -> targets -> update. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "approval.h"
#include "batch.h"
#include "holdstate.h"
#include "counters.h"
#include "dependents.h"
#include "deps.h"
#include "docker.h"
#include "drain.h"
#include "drainctx.h"
#include "drainfollow.h"
#include "drainhold.h"
#include "drainreport.h"
#include "fault.h"
#include "intent.h"
#include "jobcheck.h"
#include "listing.h"
#include "log.h"
#include "match.h"
#include "notify.h"
#include "queue.h"
#include "repair.h"
#include "repos.h"
#include "shutdown.h"
#include "state.h"
#include "swarm.h"
#include "update.h"

/* all: the host's containers as listing_get has them, g built from it;
 * idx[0..n): the targets among them.  Inspect the targets and everything
 * that depends on them in place (what an update stops, starts or
 * recreates reads inspect's fields) and build g again; the rest of the
 * host stays as listed.  0, or -errno when Docker did not answer. */
static int inspect_tied(struct docker *d, json_t *all, struct deps_graph *g, const size_t *idx, size_t n)
{
        bool *tied = calloc(g->n ? g->n : 1, sizeof(*tied));
        int r = tied ? 0 : -ENOMEM;

        for (size_t i = 0; tied && i < n; i++)
                tied[idx[i]] = true;
        if (tied)
                listing_tied(all, g, tied);
        for (size_t i = 0; r == 0 && i < g->n; i++) {
                json_t *ins;

                if (!tied[i] || json_object_get(json_array_get(all, i), "Mounts"))
                        continue;       /* not tied, or inspected already */
                r = listing_inspect(d, g->nodes[i].id, &ins);
                if (r == 0 && ins)      /* else gone meanwhile: its update says so */
                        r = json_array_set_new(all, i, ins) < 0 ? -ENOMEM : 0;
        }
        free(tied);
        deps_free(g);
        if (r == 0)
                r = deps_build(all, g);
        return r;
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

/* Log and record an outcome.  A failed update does not use the event up
 * (drain_pass forgets its claims): the same push delivered again (after
 * fixing credentials, say) is not taken for a duplicate.  moved_to: the
 * reference a tag policy moves it to, or NULL; a move done is kept for
 * the rest of the pass (what its other pushes say of the container). */
static void conclude(struct drain_ctx *c, const char *image, const struct update_result *res,
                     const char *moved_to)
{
        drain_report_container(c, image, res);
        if (drain_failed(res))
                c->failed = true;
        /* out of memory, the pass's later pushes say "stays on" the old tag */
        else if (moved_to && res->outcome == UPDATE_UPDATED)
                (void)drain_moved_note(c, res->name, moved_to);
}

/* Update the container at index i of g with its dependents stopped before
 * the swap and started after it.  A dependency cycle is a failed update
 * that changes nothing. */
static int update_with_dependents(struct drain_ctx *c, const struct deps_graph *g, const json_t *all,
                                  size_t i, const char *to_image, struct update_result *res)
{
        struct dependents dp;
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
        dp.to_image = to_image;
        r = dependents_update(&dp, res);
        dependents_free(&dp);
        return r;
}


struct at_once {
        struct drain_ctx *c;
        const struct deps_graph *g;
        const json_t *all;
        const size_t *idx;
        char *const *to_image;          /* by index in g: the reference it moves to, or NULL */
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
                r = update_with_dependents(&cc, a->g, a->all, a->idx[i], a->to_image[a->idx[i]], res);
        docker_close(&cc.d);
        return r;
}

/* rolling = no: every target at once, each in its own process, each
 * health-gated and rolled back on its own; a failure stops nobody else. */
static int update_at_once(struct drain_ctx *c, const struct deps_graph *g, const json_t *all,
                          const size_t *idx, size_t n, char *const *to_image, const char *image)
{
        struct at_once a = { .c = c, .g = g, .all = all, .idx = idx, .to_image = to_image };
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
                conclude(c, image, &res[i], to_image[idx[i]]);
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
                          const size_t *idx, size_t n, char *const *to_image, const char *cycle,
                          const char *image)
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
                        r = update_with_dependents(c, g, all, idx[i], to_image[idx[i]], &res);
                }
                if (r < 0)
                        return r;       /* Docker went away: keep the job */
                conclude(c, image, &res, to_image[idx[i]]);
                if (c->cfg->rolling && !cycle && drain_failed(&res) && i + 1 < n) {
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .source = c->job->source, .image = image },
                                "rolling update of %s stopped at the first failure; %zu container(s) left as they are",
                                image, n - i - 1);
                        break;
                }
        }
        return 0;
}
/* Replace the containers that follow the push.  The whole host is
 * listed, for the dependency graph; only the followers and what depends
 * on them are inspected. */
static int replace_followers(struct drain_ctx *c, const char *image)
{
        const struct job *job = c->job;
        char why[512] = "", to_tag[TAG_MAX], policy[600];
        char **to_image = NULL;
        const json_t *ins;
        json_t *all;
        struct deps_graph g;
        size_t *idx, n = 0, i, n_all;
        bool cycle, at_once = false;
        int err = 0;

        all = listing_get(&c->d, "/containers/json?all=1", &err);
        if (!all)
                return err;
        if ((err = match_resolve_moved(&c->d, c->cfg, all)) < 0) {
                json_decref(all);
                return err;
        }
        n_all = json_array_size(all);
        idx = calloc(n_all ? n_all : 1, sizeof(*idx));
        to_image = calloc(n_all ? n_all : 1, sizeof(*to_image));
        if (!idx || !to_image || deps_build(all, &g) < 0) {
                free(idx);
                free(to_image);
                json_decref(all);
                return -ENOMEM;
        }
        /* node i of g is container i of all */
        json_array_foreach(all, i, ins)
                if (drain_follows(c, ins, to_tag, sizeof(to_tag), policy, sizeof(policy)) &&
                    !drain_refused_digest(c, ins, image) &&
                    !approval_waits(c->cfg, c->state, &c->d, c->job, ins, to_tag, image, &c->notes)) {
                        to_image[i] = drain_move_to(c, ins, image, to_tag, policy);
                        /* NULL only out of memory: a parsed reference with
                         * another tag fits IMAGE_REF_MAX.  Never the old tag
                         * in place of the new one: left for the next push */
                        if (to_tag[0] && !to_image[i])
                                continue;
                        idx[n++] = i;
                }
        err = inspect_tied(&c->d, all, &g, idx, n);
        if (err < 0)
                goto out;
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
        err = at_once ? update_at_once(c, &g, all, idx, n, to_image, image)
                      : update_in_turn(c, &g, all, idx, n, to_image, cycle ? why : NULL, image);
        deps_free(&g);
out:
        for (i = 0; i < n_all; i++)
                free(to_image[i]);
        free(to_image);
        free(idx);
        json_decref(all);
        return err;
}
/* Act on one push (c->job, the newest job for its tag in this pass).
 * opted_in: the containers the push may reach (match_candidates), listed
 * once per pass.  claim: EVENT_SAME_DIGEST when every job for this tag in the pass
 * repeated the newest digest already seen: then only containers that do
 * not run it yet are worth a pull. */
static int process_job(struct drain_ctx *c, const json_t *opted_in, enum event_claim claim)
{
        const struct job *job = c->job;
        char image[IMAGE_REF_MAX];
        const json_t *ins;
        size_t i, n = 0;
        int err = 0;

        snprintf(image, sizeof(image), "%s/%s:%s", job->ev.registry[0] ? job->ev.registry : "*",
                 job->ev.repository, job->ev.tag);
        json_array_foreach(opted_in, i, ins) {
                char to_tag[TAG_MAX], policy[600];

                if (drain_follows(c, ins, to_tag, sizeof(to_tag), policy, sizeof(policy)))
                        n++;
        }
        if (n == 0) {
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source, .image = image,
                                                     .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                        "push of %s: no opted-in container follows it", image);
        } else if (claim == EVENT_SAME_DIGEST && (err = drain_followers_run_digest(c, opted_in)) != 0) {
                if (err > 0)
                        log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source, .image = image,
                                                             .digest = job->ev.digest },
                                "duplicate delivery of %s ignored: the %zu container(s) that follow it run %s already",
                                image, n, job->ev.digest);
        } else if ((err = drain_hold_job(c, opted_in, image)) == 0) {
                err = replace_followers(c, image);
        }
        if (c->held)
                return err < 0 ? err : 0;       /* its services wait with it */
        drain_log_misses(c, opted_in, image, n == 0);
        /* then the Swarm services that follow the push, under the same
         * tag policies and pin as the containers */
        if (err >= 0) {
                char as[TAG_MAX + 8];
                struct swarm_pass sp = { .pass = c->pass, .n = c->n_pass,
                                         .policy_as = drain_pin_policy(c, as, sizeof(as)) };

                err = swarm_update(&c->d, c->cfg, &job->ev, &sp, drain_report_service, c);
        }
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

struct pass_job {
        struct job job;
        enum event_claim claim;
        bool done;              /* removed from the queue (or dropped) */
};

/* Claim every job of the pass, in queue order; drop true redeliveries. */
static void claim_jobs(struct drain_ctx *c, struct pass_job *pj, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                const struct job *job = &pj[i].job;
                int r = c->state ? state_event_claim(c->state, job->source, &job->ev, job->name,
                                                     c->cfg->dedup_window) : EVENT_NEW;

                /* without the database every job counts: a duplicate
                 * costs a no-op update, a lost push more */
                pj[i].claim = r < 0 ? EVENT_NEW : (enum event_claim)r;
                if (pj[i].claim != EVENT_REDELIVERED)
                        continue;
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source,
                                                     .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                        "duplicate delivery of %s/%s:%s ignored (event %s, already taken)",
                        job->ev.registry, job->ev.repository, job->ev.tag, job->ev.event_id);
                queue_remove(c->cfg->queue_dir, job->name);
                pj[i].done = true;
                c->st->jobs++;
                counters_add(c->state, COUNTER_DELIVERIES_DUPLICATE, 1);       /* /metrics; c->state is set:
                                                                                  only it finds redeliveries */
        }
}

/* Is job i superseded by a later job of the pass for the same tag?  A
 * burst of pushes to one tag counts once: the pull gets the newest. */
static bool superseded(const struct pass_job *pj, size_t n, size_t i)
{
        for (size_t j = i + 1; j < n; j++)
                if (!pj[j].done && same_tag(&pj[i].job.ev, &pj[j].job.ev))
                        return true;
        return false;
}

/* Jobs 0..i for i's tag are done with i: forget their claims if the
 * update failed (a redelivery is then a retry), and remove them. */
static void finish_tag(struct drain_ctx *c, struct pass_job *pj, size_t i)
{
        for (size_t k = 0; k <= i; k++) {
                if (pj[k].done || !same_tag(&pj[k].job.ev, &pj[i].job.ev))
                        continue;
                if (c->failed && c->state)
                        state_event_forget(c->state, pj[k].job.source, &pj[k].job.ev, pj[k].job.name);
                if (k == i && c->held) {
                        int r = queue_hold(c->cfg->queue_dir, pj[k].job.name);

                        if (r < 0) {    /* it stays queued: the next drain decides again */
                                log_msg(LOG_ERR, "cannot move job %s to %s.held: %s", pj[k].job.name,
                                        c->cfg->queue_dir, strerror(-r));
                                state_unhold(c->state, pj[k].job.name);
                                c->st->kept++;
                        }
                        pj[k].done = true;
                        continue;
                }
                queue_remove(c->cfg->queue_dir, pj[k].job.name);
                pj[k].done = true;
                c->st->jobs++;
                /* counted once, when done: a held or kept job comes back */
                if (c->state)
                        counters_add(c->state, COUNTER_DELIVERIES_ACCEPTED, 1);
        }
}

static int count_left(const struct pass_job *pj, size_t n)
{
        int left = 0;

        for (size_t i = 0; i < n; i++)
                left += !pj[i].done;
        return left;
}

/* Did an interrupted replacement leave a record to repair? */
static bool inflight_pending(const struct config *cfg)
{
        char **names;
        size_t n;
        bool any = intent_list(cfg->state_dir, &names, &n) == 0 && n > 0;

        intent_names_free(names, n);
        return any;
}
/* One pass over the queue: read and claim every job, look at the opted-in
 * containers once, then act on each tag's newest push.  Returns 0 when
 * every job was done, -EAGAIN when jobs were kept (Docker failed, or a
 * stop was asked for), other -errno. */
static int drain_pass(struct drain_ctx *c, bool *connected)
{
        struct pass_job *pj = NULL;
        json_t *opted_in = NULL;
        char **names;
        size_t n, nj = 0;
        int r;

        drain_release_due(c);
        approval_expire(c->cfg, c->state);
        r = queue_list(c->cfg->queue_dir, &names, &n);
        if (r < 0) {
                log_msg(LOG_ERR, "cannot list %s: %s", c->cfg->queue_dir, strerror(-r));
                return r;
        }
        /* nothing queued and nothing to repair: no Docker at all */
        if (n == 0 && (c->repaired || !inflight_pending(c->cfg))) {
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
        }
        /* what an interrupted swap left, before any new work, whether or
         * not a push is queued */
        if (!c->repaired) {
                if (repair_all(&c->d, c->cfg) < 0)
                        log_msg(LOG_WARNING, "an interrupted update is not repaired yet; it is tried again");
                else
                        c->repaired = true;
        }
        if (n == 0) {
                queue_names_free(names, n);
                return 0;
        }
        pj = calloc(n, sizeof(*pj));
        for (size_t i = 0; pj && i < n; i++) {
                char why[256];
                int rr = queue_read(c->cfg->queue_dir, names[i], &pj[nj].job);

                if (rr == 0 && job_admit(c->cfg, &pj[nj].job, why, sizeof(why)) < 0) {
                        /* not for this configuration: nothing to do, ever */
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .source = pj[nj].job.source },
                                "job %s refused, nothing changed: %s", names[i], why);
                        queue_remove(c->cfg->queue_dir, names[i]);
                } else if (rr == 0)
                        nj++;
                else if (rr != -ENOENT)
                        log_msg(LOG_ERR, "job %s is %s, moved aside", names[i], queue_read_strerror(rr));
        }
        queue_names_free(names, n);
        if (!pj)
                return -ENOMEM;

        claim_jobs(c, pj, nj);
        fault_point("after-claim");
        /* the API's settings, once per pass: the hook never reads them */
        if (repos_load(c->state, &c->repos) < 0)
                log_msg(LOG_WARNING, "the repositories' pins and auto-deploy could not be read: the labels decide");
        /* the pushes tag policies choose among: those not dropped as redeliveries */
        c->pass = calloc(nj ? nj : 1, sizeof(*c->pass));
        c->n_pass = 0;
        for (size_t i = 0; c->pass && i < nj; i++)
                if (!pj[i].done)
                        c->pass[c->n_pass++] = &pj[i].job.ev;
        if (count_left(pj, nj) > 0 && !(opted_in = match_candidates(&c->d, c->cfg, &r)))
                goto docker_failed;

        r = 0;
        for (size_t i = 0; i < nj; i++) {
                enum event_claim claim = EVENT_SAME_DIGEST;

                if (pj[i].done || superseded(pj, nj, i))
                        continue;
                if (shutdown_requested()) {
                        log_msg(LOG_NOTICE, "asked to stop: %d job(s) stay queued", count_left(pj, nj));
                        r = -EAGAIN;
                        break;
                }
                /* one new delivery among the tag's jobs makes it new */
                for (size_t k = 0; k <= i; k++)
                        if (!pj[k].done && pj[k].claim == EVENT_NEW &&
                            same_tag(&pj[k].job.ev, &pj[i].job.ev))
                                claim = EVENT_NEW;
                c->job = &pj[i].job;
                c->failed = false;
                c->held = false;
                r = process_job(c, opted_in, claim);
                c->job = NULL;
                if (r == -EINTR) {
                        log_msg(LOG_NOTICE, "asked to stop during job %s: it stays queued", pj[i].job.name);
                        r = -EAGAIN;
                        break;
                }
                if (r < 0)
                        goto docker_failed;
                finish_tag(c, pj, i);
        }
        c->st->kept = count_left(pj, nj);
        json_decref(opted_in);
        free(c->pass);
        c->pass = NULL;
        repos_cache_free(&c->repos);
        drain_follow_end(c);
        free(pj);
        return r;

docker_failed:
        /* -ENOLCK: a container's lock was refused (said just before), not Docker */
        if (r == -ENOLCK)
                log_msg(LOG_ERR, "a container's lock could not be taken; %d job(s) stay queued",
                        count_left(pj, nj));
        else
                log_msg(LOG_ERR, "Docker failed (%s); %d job(s) stay queued", strerror(-r), count_left(pj, nj));
        c->st->kept = count_left(pj, nj);
        docker_close(&c->d);
        *connected = false;
        json_decref(opted_in);
        free(c->pass);
        c->pass = NULL;
        repos_cache_free(&c->repos);
        drain_follow_end(c);
        free(pj);
        return -EAGAIN;
}

static bool queue_has_jobs(const char *dir)
{
        char **names;
        size_t n;
        bool more = queue_list(dir, &names, &n) == 0 && n > 0;

        queue_names_free(names, n);
        return more;
}

int drain_queue(const struct config *cfg, struct drain_stats *st, bool patient)
{
        struct drain_ctx c = { .cfg = cfg, .st = st };
        bool connected = false;
        time_t give_up = time(NULL) + cfg->retry_for;
        int r = 0, backoff = 1;

        memset(st, 0, sizeof(*st));
        if (state_open(cfg->state_dir, &c.state) < 0) {
                log_msg(LOG_WARNING, "no state database in %s: history is not recorded", cfg->state_dir);
                c.state = NULL;
        }

        /* The lock is held for a pass, never across a wait.  A drain after
         * a webhook never waits for it: the drain that holds it looks at
         * the queue again after letting it go, and takes what came
         * meanwhile.  Transient failures (Docker gone, a pull that timed
         * out) keep the job; a patient drain retries with backoff up to
         * retry-for, then leaves the jobs for the next run. */
        for (;;) {
                int lock = queue_lock(cfg->state_dir, patient);

                if (lock == -EWOULDBLOCK || lock == -EINTR) {
                        if (lock == -EWOULDBLOCK)
                                log_msg(LOG_DEBUG, "another drain holds the queue; it takes the new job(s)");
                        r = 0;
                        break;
                }
                if (lock < 0) {
                        log_msg(LOG_ERR, "cannot take the queue lock in %s: %s", cfg->state_dir,
                                strerror(-lock));
                        r = lock;
                        break;
                }
                queue_clean_stale(cfg->queue_dir);
                st->kept = 0;
                r = drain_pass(&c, &connected);
                if (r == 0 && c.state)
                        state_prune(c.state, cfg->dedup_window, 10000);
                close(lock);
                /* the pass's outcomes are decided and its jobs gone: a
                 * slow receiver holds neither the queue nor an update */
                notify_flush(cfg, &c.notes);
                if (r == 0 && st->kept == 0) {
                        /* new jobs may have come while we held the lock */
                        if (!queue_has_jobs(cfg->queue_dir))
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
        if (c.state)
                state_close(c.state);
        return r;
}

/* The names of the selected containers of all (in g's order, what
 * others depend on first), for update --all: an array of n copies, free
 * with names_free.  NULL with *n = 0 when out of memory. */
static char **selected_names(const struct config *cfg, const struct deps_graph *g, const json_t *all, int *n)
{
        size_t *idx = calloc(json_array_size(all) + 1, sizeof(*idx)), k = 0, i;
        char **names = calloc(json_array_size(all) + 1, sizeof(*names));
        const json_t *ins;
        char why[512];

        *n = 0;
        if (!idx || !names) {
                free(idx);
                free(names);
                return NULL;
        }
        json_array_foreach(all, i, ins)
                if (match_selected(cfg, ins, NULL, 0))
                        idx[k++] = i;
        /* a cycle keeps the list's order: each update then says so */
        deps_sort(g, idx, k, why, sizeof(why));
        for (i = 0; i < k; i++)
                if ((names[*n] = strdup(g->nodes[idx[i]].name)))
                        (*n)++;
        free(idx);
        return names;
}

static void names_free(char **names, int n)
{
        for (int i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

/* May update NAME touch container k of all?  Only a selected one, unless
 * forced; else say why, and what to do, on stderr. */
static bool update_allowed(const struct config *cfg, const json_t *all, int k, const char *name, bool force)
{
        char why[1024];

        if (force || k < 0 || match_selected(cfg, json_array_get(all, (size_t)k), why, sizeof(why)))
                return true;
        fprintf(stderr, "redock update: %s is not selected: %s; --force updates it anyway\n", name, why);
        return false;
}

int drain_update_names(const struct config *cfg, char **names, int n, const struct update_request *req,
                       FILE *out)
{
        struct drain_stats st = { 0 };
        struct drain_ctx c = { .cfg = cfg, .st = &st };
        struct deps_graph g = { 0 };
        char **todo = names;
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
        repair_all(&c.d, cfg);   /* logs what it cannot repair yet */
        /* every container, for the dependency graph; the named ones and
         * their dependents inspected */
        all = listing_get(&c.d, "/containers/json?all=1", &r);
        if (all && deps_build(all, &g) < 0) {
                json_decref(all);
                all = NULL;
        }
        /* which containers may be touched is decided on that list */
        if (!all && (req->all || !req->force)) {
                fprintf(stderr, "redock update: cannot list the containers: %s\n", strerror(r < 0 ? -r : ENOMEM));
                bad = n ? n : 1;
                n = 0;
        } else if (req->all) {
                todo = selected_names(cfg, &g, all, &n);
                if (n == 0)
                        fputs("redock update --all: no container is selected\n", stderr);
        }
        if (all) {
                size_t *idx = calloc((size_t)n + 1, sizeof(*idx)), m = 0;

                for (int i = 0; idx && i < n; i++)
                        if (deps_find(&g, todo[i]) >= 0)
                                idx[m++] = (size_t)deps_find(&g, todo[i]);
                if (!idx || inspect_tied(&c.d, all, &g, idx, m) < 0) {
                        json_decref(all);       /* each then on its own */
                        all = NULL;
                }
                free(idx);
        }
        for (int i = 0; i < n; i++) {
                const struct update_opts opts = { .cfg = cfg, .to_image = req->to_image };
                struct update_result res;
                int k = all ? deps_find(&g, todo[i]) : -1;

                if (shutdown_requested()) {
                        fprintf(out, "%s\tskipped\t-\tasked to stop\n", todo[i]);
                        bad++;
                        continue;
                }
                if (!update_allowed(cfg, all, k, todo[i], req->force)) {
                        bad++;
                        continue;
                }
                /* --force tries a digest that was rolled back here again */
                if (req->force && c.state && state_refused_clear(c.state, todo[i]) == 0)
                        log_msg(LOG_DEBUG, "%s: refused digests forgotten (--force)", todo[i]);

                r = k >= 0 ? update_with_dependents(&c, &g, all, (size_t)k, req->to_image, &res)
                           : update_container(&c.d, todo[i], &opts, &res);
                if (r < 0) {
                        fprintf(out, "%s\terror\t-\t%s\n", todo[i], strerror(-r));
                        bad++;
                        continue;
                }
                drain_report_container(&c, res.image, &res);
                fprintf(out, "%s\t%s\t%s\t%s\n", res.name, update_outcome_name(res.outcome),
                        res.new_digest[0] ? res.new_digest : res.new_image_id[0] ? res.new_image_id : "-",
                        res.reason[0] ? res.reason : "-");
                if (drain_failed(&res))
                        bad++;
        }
        notify_flush(cfg, &c.notes);
        if (todo != names)
                names_free(todo, n);
        if (all)
                deps_free(&g);
        json_decref(all);
        if (c.state)
                state_close(c.state);
        docker_close(&c.d);
        return bad ? -EIO : 0;
}
