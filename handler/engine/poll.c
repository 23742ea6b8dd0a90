/* poll: ask the registries, queue what changed (see poll.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "docker.h"
#include "event.h"
#include "holdstate.h"
#include "hostmap.h"
#include "imageref.h"
#include "log.h"
#include "match.h"
#include "notify.h"
#include "policy.h"
#include "pending.h"
#include "poll.h"
#include "queue.h"
#include "registry.h"
#include "repos.h"
#include "shutdown.h"
#include "state.h"
#include "strutil.h"
#include "swarmspec.h"
#include "tagpolicy.h"

/* One repository:tag asked, with its answer: every target following it
 * shares this (the registry is asked once). */
struct asked {
        char registry[REGISTRY_HOST_MAX];
        char repository[REPOSITORY_MAX];
        char tag[TAG_MAX];
        char digest[DIGEST_MAX];        /* "" when the registry did not answer */
        int err;                        /* 0, or its -errno */
};

/* One repository's tags, listed once per run for the tag policies that
 * choose among them. */
struct listed {
        char registry[REGISTRY_HOST_MAX];
        char repository[REPOSITORY_MAX];
        char **tags;
        size_t n;
        int err;                        /* 0, or its -errno */
};

struct poller {
        const struct config *cfg;
        const struct poll_opts *o;
        struct poll_stats *st;
        struct docker d;
        struct asked *v;
        size_t n;
        struct listed *lv;
        size_t ln;
        struct event_list events;
        struct state *state;            /* may be NULL: no refusals known */
        struct notify_batch notes;      /* poll-error, for [notify] */
        struct repos_cache repos;       /* the API's pins (repos.h), read once */
};

/* ref's repository's tags, listed once per run.  NULL on ENOMEM. */
static const struct listed *list_tags(struct poller *p, const struct imageref *ref)
{
        struct registry_target t;
        struct registry_conn *c = NULL;
        struct listed *l, *grown;

        for (size_t i = 0; i < p->ln; i++)
                if (hostmap_same_host(p->lv[i].registry, ref->registry) &&
                    strcmp(p->lv[i].repository, ref->repository) == 0)
                        return &p->lv[i];
        grown = reallocarray(p->lv, p->ln + 1, sizeof(*p->lv));
        if (!grown)
                return NULL;
        p->lv = grown;
        l = &p->lv[p->ln++];
        memset(l, 0, sizeof(*l));
        str_copy(l->registry, sizeof(l->registry), ref->registry);
        str_copy(l->repository, sizeof(l->repository), ref->repository);
        l->err = registry_target(p->cfg, ref->registry, ref->repository, &t);
        if (l->err == 0)
                l->err = registry_open(p->cfg, &t, &c);
        if (l->err == 0)
                l->err = registry_list_tags(c, 0, &l->tags, &l->n);     /* logs */
        registry_close(c);
        return l;
}

/* The tag a container or service (kind) follows: the tag it was started with (the digest
 * policy: same tag, new digest), or the one its redock.policy chooses
 * among the repository's tags (semver-*, glob:, regexp:) or names (pin:),
 * or the tag the API pinned the repository to (repos.h), whatever the label.
 * A policy that cannot choose (a bad label, tags that cannot be listed,
 * no newer tag) leaves it on its own tag, said in the log.  The job
 * queued for the chosen tag is then applied as a push of it would be
 * (match.c moves the container, swarm.c the service).  0, or -ENOMEM. */
static int followed_tag(struct poller *p, const char *kind, const char *name, const json_t *labels,
                        const struct imageref *ref, char *tag, size_t size)
{
        const struct repo_row *row;
        struct push_event ev;
        struct policy pol;
        struct tagpolicy tp;
        char why[256] = "";
        const char *chosen = NULL;
        int r = 0;

        str_copy(tag, size, ref->tag);
        /* a pin set through the API rules over the label while it is set */
        if (push_event_set(&ev, ref->registry, ref->repository, ref->tag, NULL, NULL, NULL) == 0 &&
            (row = repos_find(&p->repos, p->cfg, &ev)) && row->pinned_tag[0]) {
                str_copy(tag, size, row->pinned_tag);
                return 0;
        }
        policy_from_labels(labels, &pol);
        if (pol.tag_policy && tagpolicy_parse(pol.tag_policy, &tp, why, sizeof(why)) < 0) {
                log_ctx(LOG_WARNING, &(struct log_ctx){ .source = POLL_SOURCE, .container = name },
                        "poll: %s %s: redock.policy=%s: %s; it follows its own tag %s", kind, name,
                        pol.tag_policy, why, ref->tag);
        } else if (pol.tag_policy && tp.kind == TAGPOLICY_PIN) {
                str_copy(tag, size, tp.arg);
        } else if (pol.tag_policy && tp.kind != TAGPOLICY_DIGEST) {
                const struct listed *l = list_tags(p, ref);

                if (!l)
                        r = -ENOMEM;
                else if (l->err == 0)
                        chosen = tagpolicy_choose(&tp, ref->tag, l->tags, l->n, why, sizeof(why));
                if (chosen)
                        str_copy(tag, size, chosen);
                else if (l && (l->err < 0 || why[0]))
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .source = POLL_SOURCE, .container = name },
                                "poll: %s %s stays on %s (redock.policy=%s): %s", kind, name, ref->tag,
                                pol.tag_policy, l->err < 0 ? "its repository's tags could not be listed" : why);
        }
        if (pol.tag_policy)
                tagpolicy_free(&tp);
        policy_free(&pol);
        return r;
}

/* What the registry says repository:tag names now, asked once per run. */
static const struct asked *ask(struct poller *p, const struct imageref *ref, const char *tag)
{
        struct registry_target t;
        struct registry_conn *c = NULL;
        struct asked *a, *grown;

        for (size_t i = 0; i < p->n; i++)
                if (hostmap_same_host(p->v[i].registry, ref->registry) &&
                    strcmp(p->v[i].repository, ref->repository) == 0 && strcmp(p->v[i].tag, tag) == 0)
                        return &p->v[i];
        grown = reallocarray(p->v, p->n + 1, sizeof(*p->v));
        if (!grown)
                return NULL;
        p->v = grown;
        a = &p->v[p->n++];
        memset(a, 0, sizeof(*a));
        str_copy(a->registry, sizeof(a->registry), ref->registry);
        str_copy(a->repository, sizeof(a->repository), ref->repository);
        str_copy(a->tag, sizeof(a->tag), tag);
        p->st->asked++;
        a->err = registry_target(p->cfg, ref->registry, ref->repository, &t);
        if (a->err == 0)
                a->err = registry_open(p->cfg, &t, &c);
        if (a->err == 0)
                a->err = registry_head_digest(c, tag, a->digest, sizeof(a->digest));   /* logs */
        if (a->err < 0)
                a->digest[0] = '\0';
        registry_close(c);
        return a;
}

/* Is digest one of the image's RepoDigests for ref's repository? */
static bool image_has_digest(const json_t *image, const struct imageref *ref, const char *digest)
{
        const json_t *e;
        size_t i;

        json_array_foreach(json_object_get(image, "RepoDigests"), i, e) {
                struct imageref rd;
                const char *s = json_string_value(e);

                if (s && imageref_parse(s, &rd) == 0 && strcmp(rd.digest, digest) == 0 &&
                    strcmp(rd.repository, ref->repository) == 0 && hostmap_same_host(rd.registry, ref->registry))
                        return true;
        }
        return false;
}

/* Queue (later, all at once) the push the registry would have sent. */
static int add_event(struct poller *p, const struct imageref *ref, const char *tag, const char *digest)
{
        struct push_event ev;
        int r = push_event_set(&ev, ref->registry, ref->repository, tag, digest, NULL, NULL);

        return r < 0 ? r : event_list_add(&p->events, &ev);
}

/* Why a registry gave no digest, in a few words (registry.c logged the
 * whole of it, with the registry's own error, just before). */
static const char *why_not(int err)
{
        switch (err) {
        case -EPERM:   return "refused: TLS certificate not trusted, or plain http to a remote host";
        case -EACCES:  return "access denied";
        case -ENOENT:  return "no such repository or tag";
        case -EAGAIN:  return "too many requests (429)";
        case -EPROTO:  return "no digest in its answer";
        case -EINVAL:  return "not a registry reference";
        default:       return strerror(-err);
        }
}

/* Is ref among the repositories the poll is limited to?  Counts it
 * there.  No limit: every one is. */
static bool wanted(struct poller *p, const struct imageref *ref)
{
        bool any = p->o->n_only == 0;

        for (size_t i = 0; i < p->o->n_only; i++) {
                struct poll_image *pi = &p->o->only[i];

                if (strcmp(pi->ref.repository, ref->repository) == 0 &&
                    hostmap_same_host(pi->ref.registry, ref->registry)) {
                        pi->targets++;
                        any = true;
                }
        }
        return any;
}

/* One decision, one line. */
static void decided(const char *kind, const char *name, const char *image, const char *digest,
                    const char *what)
{
        log_ctx(LOG_INFO, &(struct log_ctx){ .source = POLL_SOURCE, .container = name, .image = image,
                                             .digest = digest && *digest ? digest : NULL },
                "poll: %s %s (%s): %s", kind, name, image, what);
}

/* One container (inspect-shaped). */
static int poll_container(struct poller *p, const json_t *ins)
{
        const char *name = json_string_value(json_object_get(ins, "Name"));
        const json_t *config = json_object_get(ins, "Config");
        const char *image = json_string_value(json_object_get(config, "Image"));
        const char *id = json_string_value(json_object_get(ins, "Image"));
        char tag[TAG_MAX], what[LOG_MSG_MAX / 2], reason[256];
        struct pending_item asked;
        const struct asked *a;
        struct imageref ref;
        json_t *img = NULL;
        long long when;
        int s;

        if (name && name[0] == '/')
                name++;
        if (!name || !image || !id)
                return 0;
        if (p->o->n_only && (imageref_parse(image, &ref) < 0 || !wanted(p, &ref)))
                return 0;
        p->st->targets++;
        if (imageref_parse(image, &ref) < 0 || !ref.tag[0]) {
                decided("container", name, image, NULL, "not polled: its image names no tag (pinned by digest)");
                return 0;
        }
        if (followed_tag(p, "container", name, json_object_get(config, "Labels"), &ref, tag, sizeof(tag)) < 0)
                return -ENOMEM;
        a = ask(p, &ref, tag);
        if (!a)
                return -ENOMEM;
        if (a->err < 0) {
                p->st->failed++;
                snprintf(what, sizeof(what), "not checked: %s", why_not(a->err));
                decided("container", name, image, NULL, what);
                notify_note(&p->notes, POLL_SOURCE, name, "container", image, NULL, NULL, "poll-error", 0,
                            why_not(a->err));
                return 0;
        }
        s = docker_callf(&p->d, "GET", NULL, &img, 0, "/images/%s/json", id);
        if (s < 0)
                return s;
        if (s == 200 && image_has_digest(img, &ref, a->digest)) {
                p->st->unchanged++;
                decided("container", name, image, a->digest, "unchanged");
        } else if (p->state && state_refused(p->state, name, a->digest, reason, sizeof(reason), &when) == 1) {
                /* rolled back on this container: not queued again until
                 * a new digest, or redock update NAME --force */
                p->st->changed++;
                snprintf(what, sizeof(what),
                         "%s:%s is %s now, which was rolled back on it (%s): not queued; a new digest, or redock update %s --force, tries again",
                         ref.repository, tag, a->digest, reason, name);
                decided("container", name, image, a->digest, what);
        } else if (p->state && pending_lookup(p->state, name, a->digest, &asked) == 1 &&
                   (!strcmp(asked.state, "waiting") || !strcmp(asked.state, "rejected"))) {
                /* an operator's turn: queued again only by an approval */
                p->st->changed++;
                snprintf(what, sizeof(what), "%s:%s is %s now, which %s (id %lld): not queued", ref.repository, tag,
                         a->digest, !strcmp(asked.state, "waiting") ? "waits for approval" : "was rejected",
                         asked.id);
                decided("container", name, image, a->digest, what);
        } else {
                p->st->changed++;
                snprintf(what, sizeof(what), "%s:%s is %s now, the container runs another: %s", ref.repository,
                         tag, a->digest, p->o->dry_run ? "not queued (--dry-run)" : "queued");
                decided("container", name, image, a->digest, what);
                if (!p->o->dry_run && add_event(p, &ref, tag, a->digest) < 0)
                        log_msg(LOG_ERR, "poll: %s: cannot queue %s:%s", name, ref.repository, tag);
        }
        json_decref(img);
        return 0;
}

/* One Swarm service: its spec pins the digest it runs.  0, or -ENOMEM. */
static int poll_service(struct poller *p, const json_t *svc)
{
        const json_t *cs = json_object_get(json_object_get(json_object_get(svc, "Spec"), "TaskTemplate"),
                                           "ContainerSpec");
        const char *image = json_string_value(json_object_get(cs, "Image"));
        const char *name = json_string_value(json_object_get(json_object_get(svc, "Spec"), "Name"));
        char ref_s[IMAGE_REF_MAX], cur[DIGEST_MAX], tag[TAG_MAX], what[LOG_MSG_MAX / 2];
        const struct asked *a;
        struct imageref ref;
        json_t *labels;
        int r;

        if (!image || !name || swarm_service_pick(svc, p->cfg->scope) == SWARM_PICK_NO)
                return 0;
        if (p->o->n_only && (swarm_image_split(image, ref_s, sizeof(ref_s), cur, sizeof(cur)) < 0 ||
                             imageref_parse(ref_s, &ref) < 0 || !wanted(p, &ref)))
                return 0;
        p->st->targets++;
        if (swarm_image_split(image, ref_s, sizeof(ref_s), cur, sizeof(cur)) < 0 ||
            imageref_parse(ref_s, &ref) < 0 || !ref.tag[0]) {
                decided("service", name, image, NULL, "not polled: its image names no tag");
                return 0;
        }
        /* its redock.policy chooses as a container's does */
        labels = swarm_service_labels(svc);
        r = labels ? followed_tag(p, "service", name, labels, &ref, tag, sizeof(tag)) : -ENOMEM;
        json_decref(labels);
        if (r < 0)
                return r;
        a = ask(p, &ref, tag);
        if (!a || a->err < 0) {
                p->st->failed++;
                snprintf(what, sizeof(what), "not checked: %s", a ? why_not(a->err) : strerror(ENOMEM));
                decided("service", name, image, NULL, what);
                notify_note(&p->notes, POLL_SOURCE, name, "service", image, NULL, NULL, "poll-error", 0,
                            a ? why_not(a->err) : strerror(ENOMEM));
                return 0;
        }
        /* on the tag it follows, at its digest: nothing to do */
        if (strcmp(tag, ref.tag) == 0 && strcmp(cur, a->digest) == 0) {
                p->st->unchanged++;
                decided("service", name, image, a->digest, "unchanged");
                return 0;
        }
        p->st->changed++;
        snprintf(what, sizeof(what), "%s:%s is %s now: %s", ref.repository, tag, a->digest,
                 p->o->dry_run ? "not queued (--dry-run)" : "queued");
        decided("service", name, image, a->digest, what);
        if (!p->o->dry_run && add_event(p, &ref, tag, a->digest) < 0)
                log_msg(LOG_ERR, "poll: service %s: cannot queue %s:%s", name, ref.repository, tag);
        return 0;
}

/* Swarm services, when this daemon manages a swarm (a daemon that is
 * none answers /services with 503: nothing to poll there). */
static int poll_services(struct poller *p)
{
        json_t *list = NULL;
        const json_t *svc;
        size_t i;
        int s = docker_call(&p->d, "GET", "/services", NULL, &list, 0), r = 0;

        if (s < 0)
                return s;
        if (s == 200)
                json_array_foreach(list, i, svc) {
                        if (shutdown_requested() || (r = poll_service(p, svc)) < 0)
                                break;
                }
        json_decref(list);
        return r;
}

int poll_run(const struct config *cfg, const struct poll_opts *o, struct poll_stats *st)
{
        struct poller p = { .cfg = cfg, .o = o, .st = st };
        json_t *all = NULL;
        const json_t *ins;
        size_t i;
        int r;

        memset(st, 0, sizeof(*st));
        r = docker_open(&p.d, cfg->docker_host);
        if (r < 0) {
                log_msg(LOG_ERR, "poll: Docker at %s: %s", cfg->docker_host,
                        p.d.errbuf[0] ? p.d.errbuf : strerror(-r));
                docker_close(&p.d);
                return r;
        }
        /* no database yet: nothing was ever rolled back */
        if (state_open(cfg->state_dir, &p.state) < 0)
                p.state = NULL;
        if (repos_load(p.state, &p.repos) < 0)
                log_msg(LOG_WARNING, "poll: the repositories' pins could not be read: the labels decide");
        all = match_candidates(&p.d, cfg, &r);
        if (all)
                r = match_resolve_moved(&p.d, cfg, all);
        if (!all || r < 0) {
                log_msg(LOG_ERR, "poll: cannot list the containers: %s", strerror(-r));
                goto out;
        }
        json_array_foreach(all, i, ins) {
                if (shutdown_requested())
                        break;
                if (!match_selected(cfg, ins, NULL, 0))
                        continue;
                r = poll_container(&p, ins);
                if (r < 0) {
                        log_msg(LOG_ERR, "poll: Docker: %s", strerror(-r));
                        goto out;
                }
        }
        r = poll_services(&p);
        if (r < 0) {
                log_msg(LOG_ERR, "poll: cannot list the services: %s", strerror(-r));
                goto out;
        }
        if (p.events.n) {
                r = queue_push(cfg->queue_dir, POLL_SOURCE, &p.events);
                if (r < 0) {
                        log_msg(LOG_ERR, "poll: cannot queue in %s: %s", cfg->queue_dir, strerror(-r));
                        goto out;
                }
                st->queued = r;
        }
        r = 0;
out:
        /* after the jobs are queued: a notifier never holds them */
        notify_flush(cfg, &p.notes);
        if (p.state)
                state_close(p.state);
        event_list_free(&p.events);
        free(p.v);
        for (size_t k = 0; k < p.ln; k++)
                registry_tags_free(p.lv[k].tags, p.lv[k].n);
        free(p.lv);
        repos_cache_free(&p.repos);
        json_decref(all);
        docker_close(&p.d);
        return r;
}
