/* drainhold: when to deploy a push.  A push waits when a min-age (the
 * source's, or the largest redock.min-age among its followers) or a
 * deploy window says so, or when the API switched auto-deploy off for its
 * repository: its job is held (state's held table, the file in
 * QUEUE.held/) and released by a later pass when its time comes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "drainfollow.h"
#include "holdstate.h"
#include "drainhold.h"
#include "duration.h"
#include "hold.h"
#include "imagecfg.h"
#include "listing.h"
#include "log.h"
#include "policy.h"
#include "registry.h"
#include "since.h"

/* The image's created time (only asked when a min-age applies): as
 * Docker has it ("2026-12-01T23:10:23.12Z") when the pushed digest is
 * here already (built or pulled on this host), else from the registry's
 * image config (a poll finds changes before anything is pulled: one GET
 * of the manifest, one of the config blob).  0 when neither knows, or
 * says a reproducible build's placeholder (1970): the caller then
 * counts from when redock first saw the digest. */
static long long image_created(struct drain_ctx *c)
{
        const struct push_event *ev = &c->job->ev;
        struct registry_target t;
        struct registry_conn *rc = NULL;
        const char *created;
        json_t *img = NULL;
        long long when = 0;
        int status;

        if (!ev->digest[0] || !ev->registry[0])
                return 0;
        status = docker_callf(&c->d, "GET", NULL, &img, 0, "/images/%s/%s@%s/json", ev->registry, ev->repository,
                              ev->digest);
        if (status == 200 && (created = json_string_value(json_object_get(img, "Created"))) &&
            imagecfg_parse_time(created, &when) < 0)
                when = 0;
        json_decref(img);
        if (status == 200)
                return when;
        /* not on this host: the registry's word (registry.c logs its failures) */
        if (registry_target(c->cfg, ev->registry, ev->repository, &t) == 0 && registry_open(c->cfg, &t, &rc) == 0 &&
            registry_image_created(rc, ev->digest, &when) == 0)
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = c->job->source, .digest = ev->digest },
                        "min-age: %s/%s@%s was created %lld s ago (its image config, from the registry)",
                        ev->registry, ev->repository, ev->digest, (long long)time(NULL) - when);
        else
                when = 0;
        registry_close(rc);
        return when;
}

/* The largest redock.min-age among the followers (a label that is not
 * a duration is said and left out), if above *min_age. */
static void label_min_age(struct drain_ctx *c, const json_t *opted_in, long long *min_age, const char **text)
{
        const json_t *ins;
        size_t i;

        json_array_foreach(opted_in, i, ins) {
                const char *v = policy_min_age(json_object_get(json_object_get(ins, "Config"), "Labels"));
                char to_tag[TAG_MAX], policy[600];
                long long secs;

                if (!v || !drain_follows(c, ins, to_tag, sizeof(to_tag), policy, sizeof(policy)))
                        continue;
                if (duration_parse(v, &secs) < 0) {
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .source = c->job->source,
                                                                .container = listing_name(ins) },
                                "%s: redock.min-age=%s is not a duration (90s, 30m, 72h, 7d), ignored",
                                listing_name(ins) ?: "?", v);
                        continue;
                }
                if (secs > *min_age) {
                        *min_age = secs;
                        *text = v;
                }
        }
}

/* Keep the push at hand in the held table until not_before, for why
 * (its job file then goes to QUEUE.held/ in finish_tag); a held job of
 * the same tag it supersedes is dropped.  The caller says why in the
 * log.  0 or -errno. */
static int hold_push(struct drain_ctx *c, const char *image, long long not_before, const char *why)
{
        const struct job *job = c->job;
        char tag[IMAGE_REF_MAX + 8], replaced[NAME_MAX + 1];
        int r;

        snprintf(tag, sizeof(tag), "%s/%s:%s", job->ev.registry, job->ev.repository, job->ev.tag);
        r = state_hold(c->state, &(struct held_row){ .job = job->name, .source = job->source, .tag = tag,
                                                     .digest = job->ev.digest[0] ? job->ev.digest : NULL,
                                                     .not_before = not_before, .reason = why },
                       replaced, sizeof(replaced));
        if (r < 0)
                return r;
        if (replaced[0] && queue_drop_held(c->cfg->queue_dir, replaced) == 0)
                log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source, .image = image },
                        "held job %s dropped: the newer push of %s supersedes it", replaced, image);
        c->held = true;
        return 0;
}

/* auto-deploy = off for the pushed repository (the API): the push is
 * held, never due, until it is switched on again (the API then makes it
 * due).  The job a pin queued goes through: the operator asked for it.
 * 0 not held, 1 held, -errno. */
static int hold_auto_deploy_off(struct drain_ctx *c, const char *image)
{
        const struct job *job = c->job;
        const struct repo_row *row = repos_find(&c->repos, c->cfg, &job->ev);
        char why[REPO_KEY_MAX + 64];
        int r;

        if (!row || row->auto_deploy ||
            (strcmp(job->source, SOURCE_NAME_POLL) == 0 &&
             strncmp(job->ev.event_id, REPOS_PIN_EVENT_PREFIX, strlen(REPOS_PIN_EVENT_PREFIX)) == 0))
                return 0;
        if (!c->state)
                return 0;       /* no database, no row either */
        snprintf(why, sizeof(why), REPOS_HELD_REASON "%s", row->repo);
        r = hold_push(c, image, REPOS_HOLD_NEVER, why);
        if (r < 0)
                return r;
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = job->source, .image = image,
                                               .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                "push of %s held: %s (redock api: POST /tags/%s {\"auto_deploy\":true} applies it)", image,
                why, row->repo);
        return 1;
}

/* May this push be deployed now (min-age, window)?  0 yes; 1 it waits:
 * recorded in the held table, its job file then moved to QUEUE.held/ by
 * finish_tag, and released by a later drain when its time comes. */
int drain_hold_job(struct drain_ctx *c, const json_t *opted_in, const char *image)
{
        const struct job *job = c->job;
        struct hold_in in = { .now = (long long)time(NULL) };
        char why[512], until_s[32];
        long long until;
        int r;

        r = hold_auto_deploy_off(c, image);
        if (r != 0)
                return r;
        config_when(c->cfg, job->source, &in.min_age, &in.min_age_text, &in.window, &in.window_text);
        label_min_age(c, opted_in, &in.min_age, &in.min_age_text);
        if (in.min_age == 0 && !in.window)
                return 0;
        if (in.min_age > 0) {
                char repo[IMAGE_REF_MAX];

                in.born = image_created(c);
                snprintf(repo, sizeof(repo), "%s/%s", job->ev.registry, job->ev.repository);
                if (!in.born && c->state && job->ev.digest[0])
                        state_first_seen(c->state, repo, job->ev.digest, in.now, &in.born);
                if (!in.born)
                        in.born = job->received;
        }
        r = hold_decide(&in, &until, why, sizeof(why));
        if (r <= 0)
                return 0;
        since_iso_time(until, until_s, sizeof(until_s));
        if (!c->state) {
                log_ctx(LOG_ERR, &(struct log_ctx){ .source = job->source, .image = image },
                        "push of %s should wait until %s (%s), but there is no state database to keep it in: applied now",
                        image, until_s, why);
                return 0;
        }
        r = hold_push(c, image, until, why);
        if (r < 0)
                return r;
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = job->source, .image = image,
                                               .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                "push of %s held until %s: %s", image, until_s, why);
        return 1;
}

struct due {
        char **names;
        size_t n;
};

static int collect_due(const struct held_row *row, void *userdata)
{
        struct due *d = userdata;
        char **v = reallocarray(d->names, d->n + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        d->names = v;
        if (!(v[d->n] = strdup(row->job)))
                return -ENOMEM;
        d->n++;
        return 0;
}

/* Held jobs whose time has come go back to the queue, before it is
 * listed: the pass then decides on them like on any other job (and holds
 * one again if, say, the window was changed meanwhile).  The file is
 * moved before its row goes: a crash in between leaves a row whose file
 * is no longer held, dropped here next time. */
void drain_release_due(struct drain_ctx *c)
{
        struct due d = { 0 };

        if (!c->state)
                return;
        state_each_held(c->state, (long long)time(NULL), collect_due, &d);
        for (size_t i = 0; i < d.n; i++) {
                int r = queue_release(c->cfg->queue_dir, d.names[i]);

                if (r == 0)
                        log_msg(LOG_INFO, "held job %s is due: back in the queue", d.names[i]);
                if (r == 0 || r == -ENOENT)
                        state_unhold(c->state, d.names[i]);
                else
                        log_msg(LOG_ERR, "cannot move held job %s back to %s: %s", d.names[i],
                                c->cfg->queue_dir, strerror(-r));
                free(d.names[i]);
        }
        free(d.names);
}
