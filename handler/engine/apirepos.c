/* apirepos: Registrywatcher's endpoints (issue 17).
 *
 *   GET  /repos               every watched repository
 *   GET  /tags/<repo>         one of them
 *   POST /tags/<repo>         {"pinned_tag":"v2"} and/or {"auto_deploy":false}
 *   POST /tags/<repo>/reset   no pin, auto-deploy on, the pinned containers back
 *
 * A repository is watched when an opted-in container or service follows
 * it, or when repos.c has a row for it.  Its key is "REGISTRY/REPOSITORY"
 * as a push event names it: a container's host that is a source's alias
 * counts as that source's registry.  Docker work (a pin's deploy, a
 * reset) is done after the answer, as the webhook does it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "apiroute.h"
#include "docker.h"
#include "drain.h"
#include "event.h"
#include "holdstate.h"
#include "hostmap.h"
#include "imageref.h"
#include "log.h"
#include "match.h"
#include "queue.h"
#include "registry.h"
#include "repos.h"
#include "state.h"
#include "strutil.h"
#include "swarmspec.h"

struct watched {
        char host[REGISTRY_HOST_MAX];
        char repository[REPOSITORY_MAX];
        char key[REPO_KEY_MAX];
        json_t *containers;             /* [{"name","image"}] */
        json_t *services;
};

struct watchlist {
        struct watched *v;
        size_t n;
};

static void watchlist_free(struct watchlist *w)
{
        for (size_t i = 0; i < w->n; i++) {
                json_decref(w->v[i].containers);
                json_decref(w->v[i].services);
        }
        free(w->v);
        w->v = NULL;
        w->n = 0;
}

static struct watched *find(struct watchlist *w, const char *host, const char *repository)
{
        for (size_t i = 0; i < w->n; i++)
                if (hostmap_same_host(w->v[i].host, host) && strcmp(w->v[i].repository, repository) == 0)
                        return &w->v[i];
        return NULL;
}

/* The entry for host/repository, added when new; NULL on ENOMEM or a
 * name that does not fit. */
static struct watched *entry(struct watchlist *w, const char *host, const char *repository)
{
        struct watched *e = find(w, host, repository), *grown;

        if (e)
                return e;
        grown = reallocarray(w->v, w->n + 1, sizeof(*w->v));
        if (!grown)
                return NULL;
        w->v = grown;
        e = &w->v[w->n];
        memset(e, 0, sizeof(*e));
        if (str_copy(e->host, sizeof(e->host), host) < 0 ||
            str_copy(e->repository, sizeof(e->repository), repository) < 0 ||
            snprintf(e->key, sizeof(e->key), "%s/%s", host, repository) >= (int)sizeof(e->key))
                return NULL;
        e->containers = json_array();
        e->services = json_array();
        if (!e->containers || !e->services) {
                json_decref(e->containers);
                json_decref(e->services);
                return NULL;
        }
        w->n++;
        return e;
}

static int add_follower(struct watchlist *w, const struct config *cfg, const char *image, bool service,
                        const char *name)
{
        struct imageref ref;
        struct watched *e;

        if (!image || !name || imageref_parse(image, &ref) < 0 || !ref.tag[0])
                return 0;       /* pinned by digest, or no reference: it follows nothing */
        e = entry(w, repos_event_host(cfg, ref.registry), ref.repository);
        if (!e)
                return -ENOMEM;
        return json_array_append_new(service ? e->services : e->containers,
                                     json_pack("{s:s,s:s}", "name", name, "image", image)) < 0 ? -ENOMEM : 0;
}

static int add_row(const struct repo_row *row, void *userdata)
{
        struct watchlist *w = userdata;
        const char *slash = strchr(row->repo, '/');
        char host[REGISTRY_HOST_MAX];

        if (!slash || str_copy_n(host, sizeof(host), row->repo, (size_t)(slash - row->repo)) < 0)
                return 0;
        return entry(w, host, slash + 1) ? 0 : -ENOMEM;
}

static int by_key(const void *a, const void *b)
{
        return strcmp(((const struct watched *)a)->key, ((const struct watched *)b)->key);
}

/* What is watched: the selected containers and services, and every row
 * of the repos table.  0, or -errno with why (Docker did not answer). */
static int watch_list(const struct config *cfg, struct state *st, struct watchlist *w, char *why, size_t size)
{
        struct docker d;
        json_t *all = NULL, *svcs = NULL;
        const json_t *v;
        size_t i;
        int r, s;

        r = docker_open(&d, cfg->docker_host);
        if (r < 0) {
                snprintf(why, size, "Docker at %s: %s", cfg->docker_host, d.errbuf[0] ? d.errbuf : strerror(-r));
                docker_close(&d);
                return r;
        }
        all = match_candidates(&d, cfg, &r);
        if (all)
                r = match_resolve_moved(&d, cfg, all);
        if (!all || r < 0) {
                snprintf(why, size, "cannot list the containers: %s", strerror(-r));
                goto out;
        }
        json_array_foreach(all, i, v) {
                const char *name = json_string_value(json_object_get(v, "Name"));

                if (!match_selected(cfg, v, NULL, 0))
                        continue;
                r = add_follower(w, cfg, json_string_value(json_object_get(json_object_get(v, "Config"), "Image")),
                                 false, name ? name + (name[0] == '/') : NULL);
                if (r < 0)
                        goto out;
        }
        /* a daemon that manages no swarm answers 503: no services */
        s = docker_call(&d, "GET", "/services", NULL, &svcs, 0);
        if (s == 200)
                json_array_foreach(svcs, i, v) {
                        const json_t *spec = json_object_get(v, "Spec");
                        const char *image = json_string_value(json_object_get(
                                json_object_get(json_object_get(spec, "TaskTemplate"), "ContainerSpec"), "Image"));
                        char ref[IMAGE_REF_MAX], digest[DIGEST_MAX];

                        if (!image || swarm_service_pick(v, cfg->scope) == SWARM_PICK_NO ||
                            swarm_image_split(image, ref, sizeof(ref), digest, sizeof(digest)) < 0)
                                continue;
                        r = add_follower(w, cfg, ref, true, json_string_value(json_object_get(spec, "Name")));
                        if (r < 0)
                                goto out;
                }
        r = st ? repos_each(st, add_row, w) : 0;
        if (r < 0)
                snprintf(why, size, "cannot read redock's state");
        else if (w->n > 1)      /* by key: the same order whatever Docker's listing */
                qsort(w->v, w->n, sizeof(*w->v), by_key);
out:
        json_decref(svcs);
        json_decref(all);
        docker_close(&d);
        return r;
}

/* One repository as GET answers it: its settings, the registry's tags,
 * who follows it. */
static json_t *repo_json(const struct config *cfg, struct state *st, const struct watched *e)
{
        struct repo_row row = { .auto_deploy = true };
        struct registry_target t;
        struct registry_conn *c = NULL;
        char **tags = NULL;
        size_t n = 0;
        json_t *o, *jt = json_array();
        int r;

        if (st && repos_get(st, e->key, &row) <= 0) {
                row.pinned_tag[0] = '\0';
                row.auto_deploy = true;
        }
        r = registry_target(cfg, e->host, e->repository, &t);
        if (r == 0)
                r = registry_open(cfg, &t, &c);
        if (r == 0)
                r = registry_list_tags(c, 0, &tags, &n);
        for (size_t i = 0; jt && r == 0 && i < n; i++)
                json_array_append_new(jt, json_string(tags[i]));
        o = json_pack("{s:s,s:b,s:b,s:s,s:o,s:O,s:O}", "repo", e->key, "auto_deploy", row.auto_deploy,
                      "pinned_tag", row.pinned_tag[0] != '\0', "pinned_tag_value", row.pinned_tag,
                      "tags", jt ? jt : json_array(), "containers", e->containers, "services", e->services);
        if (o && r < 0)
                json_object_set_new(o, "error", json_string(c && registry_error(c)[0] ? registry_error(c)
                                                                                       : strerror(-r)));
        registry_tags_free(tags, n);
        registry_close(c);
        return o;
}

int api_repos(const struct api_call *call)
{
        struct watchlist w = { 0 };
        struct state *st = NULL;
        char why[512] = "";
        json_t *list;
        int r;

        if (!api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        /* no database yet: no settings yet */
        if (state_open(call->cfg->state_dir, &st) < 0)
                st = NULL;
        r = watch_list(call->cfg, st, &w, why, sizeof(why));
        if (r < 0) {
                json_t *err = json_pack("{s:s}", "error", why[0] ? why : strerror(-r));

                r = api_answer_json(call, 502, err);
                json_decref(err);
                goto out;
        }
        list = json_array();
        for (size_t i = 0; list && i < w.n; i++)
                json_array_append_new(list, repo_json(call->cfg, st, &w.v[i]));
        r = api_answer_json(call, 200, list);
        json_decref(list);
out:
        watchlist_free(&w);
        if (st)
                state_close(st);
        return r;
}

/* ---- one repository ---- */

static int answer_error(const struct api_call *call, int status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int answer_error(const struct api_call *call, int status, const char *fmt, ...)
{
        char msg[768];
        va_list ap;
        json_t *o;
        int r;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        o = json_pack("{s:s}", "error", msg);
        r = api_answer_json(call, status, o);
        json_decref(o);
        return r;
}

/* The watched repository the URL names.  NULL with the answer given
 * (404 unknown, 409 ambiguous, 400 not a repository). */
static struct watched *resolve(const struct api_call *call, struct watchlist *w, bool *reset)
{
        char host[REGISTRY_HOST_MAX], repository[REPOSITORY_MAX], lib[REPOSITORY_MAX + 8], several[512] = "";
        struct watched *hit = NULL;
        size_t hits = 0;

        if (repos_parse_path(call->rest, host, sizeof(host), repository, sizeof(repository), reset) < 0) {
                api_answer(call, 400, "{\"error\":\"not a repository: /tags/[HOST/]REPOSITORY[/reset]\"}");
                return NULL;
        }
        if (host[0]) {
                hit = find(w, repos_event_host(call->cfg, host), repository);
                if (!hit)
                        api_answer(call, 404, "{\"error\":\"unknown repository\"}");
                return hit;
        }
        /* no host: the watched repository of that path, on whichever host
         * (Docker Hub's one-component names are library/'s) */
        snprintf(lib, sizeof(lib), "library/%s", repository);
        for (size_t i = 0; i < w->n; i++) {
                if (strcmp(w->v[i].repository, repository) != 0 &&
                    (strchr(repository, '/') || strcmp(w->v[i].repository, lib) != 0))
                        continue;
                if (hits++)
                        strncat(several, ", ", sizeof(several) - strlen(several) - 1);
                strncat(several, w->v[i].key, sizeof(several) - strlen(several) - 1);
                hit = &w->v[i];
        }
        if (hits == 0)
                api_answer(call, 404, "{\"error\":\"unknown repository\"}");
        else if (hits > 1)
                answer_error(call, 409, "ambiguous: %s is watched on several registries (%s): name the host, "
                             "as in /tags/HOST/%s", repository, several, repository);
        return hits == 1 ? hit : NULL;
}

struct change {
        char tag[TAG_MAX];
        bool set_tag;
        int auto_deploy;        /* -1 unchanged, 0, 1 */
};

/* POST's body: a JSON object with pinned_tag (a tag) and/or auto_deploy
 * (a boolean), nothing else.  0, or -EINVAL with the error in err. */
static int parse_change(const struct http_request *req, struct change *ch, char *err, size_t size)
{
        json_error_t jerr;
        json_t *body = json_loadb(req->body ? req->body : "", req->body_len,
                                  JSON_REJECT_DUPLICATES, &jerr);
        const char *key;
        json_t *v;
        int r = 0;

        memset(ch, 0, sizeof(*ch));
        ch->auto_deploy = -1;
        if (!body || !json_is_object(body)) {
                snprintf(err, size, "the body must be a JSON object: {\"pinned_tag\":\"TAG\"} and/or {\"auto_deploy\":BOOL}");
                json_decref(body);
                return -EINVAL;
        }
        json_object_foreach(body, key, v) {
                if (strcmp(key, "pinned_tag") == 0) {
                        if (!json_is_string(v) || !imageref_valid_tag(json_string_value(v))) {
                                snprintf(err, size, "pinned_tag must be a tag ([A-Za-z0-9_][A-Za-z0-9_.-]*, at most %d characters)",
                                         TAG_MAX - 1);
                                r = -EINVAL;
                                break;
                        }
                        str_copy(ch->tag, sizeof(ch->tag), json_string_value(v));
                        ch->set_tag = true;
                } else if (strcmp(key, "auto_deploy") == 0) {
                        if (!json_is_boolean(v)) {
                                snprintf(err, size, "auto_deploy must be true or false");
                                r = -EINVAL;
                                break;
                        }
                        ch->auto_deploy = json_is_true(v);
                } else {
                        char shown[65];
                        size_t k;

                        /* the key as text that forges no log line */
                        for (k = 0; k < sizeof(shown) - 1 && key[k]; k++)
                                shown[k] = (unsigned char)key[k] < 0x20 || key[k] == 0x7f ? '?' : key[k];
                        shown[k] = '\0';
                        snprintf(err, size, "unknown key %s%s: pinned_tag and auto_deploy are known", shown,
                                 key[k] ? "..." : "");
                        r = -EINVAL;
                        break;
                }
        }
        if (r == 0 && !ch->set_tag && ch->auto_deploy < 0) {
                snprintf(err, size, "nothing to change: give pinned_tag and/or auto_deploy");
                r = -EINVAL;
        }
        json_decref(body);
        return r;
}

/* Make the repository's pushes held for auto-deploy = off due now: the
 * drain moves them back to the queue and decides on them afresh.  How
 * many. */
static size_t release_held(struct state *st, const char *key)
{
        char prefix[REPO_KEY_MAX + 1];
        size_t n = 0;

        snprintf(prefix, sizeof(prefix), "%s:", key);
        state_release_held(st, prefix, REPOS_HOLD_NEVER, (long long)time(NULL), &n);
        return n;
}

/* The digest the registry names for key's tag now (as poll asks it).
 * 0, or the status answered (the registry's refusal). */
static int pin_digest(const struct api_call *call, const struct watched *e, const char *tag, char *digest,
                      size_t dsize)
{
        struct registry_target t;
        struct registry_conn *c = NULL;
        int r;

        r = registry_target(call->cfg, e->host, e->repository, &t);
        if (r == 0)
                r = registry_open(call->cfg, &t, &c);
        if (r == 0)
                r = registry_head_digest(c, tag, digest, dsize);      /* logs */
        if (r == -ENOENT) {
                answer_error(call, 400, "the registry has no tag %s in %s: nothing changed", tag, e->key);
                registry_close(c);
                return 400;
        }
        if (r < 0) {
                answer_error(call, 502, "the registry did not say what %s:%s is (%s): nothing changed", e->key, tag,
                             c && registry_error(c)[0] ? registry_error(c) : strerror(-r));
                registry_close(c);
                return 502;
        }
        registry_close(c);
        return 0;
}

/* Queue the push a registry would have sent for key's tag and digest,
 * the job marked as the pin's.  0 or -errno (logged). */
static int queue_pin(const struct api_call *call, const struct watched *e, const char *tag, const char *digest)
{
        struct event_list events = { 0 };
        struct push_event ev;
        char id[EVENT_ID_MAX];
        int r;

        snprintf(id, sizeof(id), REPOS_PIN_EVENT_PREFIX "%lld-%d", (long long)time(NULL), (int)getpid());
        r = push_event_set(&ev, e->host, e->repository, tag, digest, NULL, id);
        if (r == 0)
                r = event_list_add(&events, &ev);
        if (r == 0)
                r = queue_push(call->cfg->queue_dir, SOURCE_NAME_POLL, &events);
        event_list_free(&events);
        if (r < 0)
                log_msg(LOG_ERR, "api: cannot queue %s:%s in %s: %s", e->key, tag, call->cfg->queue_dir, strerror(-r));
        return r < 0 ? r : 0;
}

/* What reset puts back: each container a pin moved, to the reference it
 * ran before, through redock update's path (create first, health gate,
 * roll back).  A container put back is forgotten; one that failed stays
 * recorded for the next reset. */
struct moved {
        char **names, **images;
        size_t n;
};

static int collect_moved(const char *container, const char *old_image, void *userdata)
{
        struct moved *m = userdata;
        char **n = reallocarray(m->names, m->n + 1, sizeof(*n)), **i;

        if (n)
                m->names = n;
        i = reallocarray(m->images, m->n + 1, sizeof(*i));
        if (i)
                m->images = i;
        if (!n || !i || !(m->names[m->n] = strdup(container)))
                return -ENOMEM;
        if (!(m->images[m->n] = strdup(old_image))) {
                free(m->names[m->n]);
                return -ENOMEM;
        }
        m->n++;
        return 0;
}

/* Run with no connection to the database open in this process: the
 * update opens its own, and the record is dropped through another one
 * after it. */
static void put_back(const struct api_call *call, const char *key, struct moved *m)
{
        for (size_t i = 0; i < m->n; i++) {
                struct update_request req = { .to_image = m->images[i] };
                struct state *st = NULL;
                char *out = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&out, &len);
                int r;

                if (!f)
                        continue;
                r = drain_update_names(call->cfg, &m->names[i], 1, &req, f);
                fclose(f);
                free(out);
                if (r == 0)
                        r = state_open(call->cfg->state_dir, &st);
                if (r == 0)
                        r = repos_moved_drop(st, key, m->names[i]);
                state_close(st);
                if (r < 0)
                        log_msg(LOG_ERR, "api: %s was not put back on %s; the next reset of %s tries again",
                                m->names[i], m->images[i], key);
        }
}

static void moved_free(struct moved *m)
{
        strv_free(m->names, m->n);
        strv_free(m->images, m->n);
}

/* What a POST leaves to do after the answer, once the caller has closed
 * the database: a second connection's open and close of the file in
 * this process would drop the first's locks (POSIX locks are per
 * process), and the drain's writes would then meet a database
 * "malformed". */
struct after {
        bool drain;
        char key[REPO_KEY_MAX];
        struct moved m;         /* the containers reset puts back */
};

static int post_tags(const struct api_call *call, struct state *st, struct watched *e, bool reset,
                     struct after *after)
{
        struct change ch;
        struct repo_row before;
        struct moved *m = &after->m;
        char err[256], digest[DIGEST_MAX] = "";
        size_t released = 0;
        bool drain = false;
        json_t *o;
        int r, had;

        if (!st)
                return api_answer(call, 503, "{\"error\":\"cannot open redock's state: nothing changed\"}");
        if (reset) {
                if (repos_set(st, e->key, NULL, true, 1) < 0)
                        return api_answer(call, 500, "{\"error\":\"cannot write redock's state\"}");
                released = release_held(st, e->key);
                repos_each_moved(st, e->key, collect_moved, m);
                log_msg(LOG_NOTICE, "api: %s reset %s: no pin, auto-deploy on; %zu container(s) go back, %zu held push(es) released",
                        call->from, e->key, m->n, released);
                drain = true;
        } else {
                if (parse_change(call->req, &ch, err, sizeof(err)) < 0) {
                        log_msg(LOG_WARNING, "api: refused POST /tags/%s from %s: %s", e->key, call->from, err);
                        return answer_error(call, 400, "%s", err);
                }
                if (ch.set_tag && pin_digest(call, e, ch.tag, digest, sizeof(digest)) > 0)
                        return 0;       /* answered: nothing changed */
                had = repos_get(st, e->key, &before);
                if (repos_set(st, e->key, ch.set_tag ? ch.tag : NULL, ch.set_tag, ch.auto_deploy) < 0)
                        return api_answer(call, 500, "{\"error\":\"cannot write redock's state\"}");
                if (ch.set_tag) {
                        const json_t *v;
                        size_t i;

                        if (queue_pin(call, e, ch.tag, digest) < 0) {
                                /* the settings as they were: nothing changed */
                                repos_set(st, e->key, had == 1 && before.pinned_tag[0] ? before.pinned_tag : NULL,
                                          true, had == 1 ? before.auto_deploy : 1);
                                return answer_error(call, 503, "cannot queue %s:%s: nothing changed", e->key,
                                                    ch.tag);
                        }
                        /* what each follower runs before the pin moves it */
                        json_array_foreach(e->containers, i, v) {
                                const char *image = json_string_value(json_object_get(v, "image"));
                                struct imageref ref;

                                if (imageref_parse(image, &ref) == 0 && strcmp(ref.tag, ch.tag) != 0)
                                        repos_moved_add(st, e->key, json_string_value(json_object_get(v, "name")),
                                                        image);
                        }
                        drain = true;
                }
                if (ch.set_tag)
                        log_msg(LOG_NOTICE, "api: %s pinned %s to %s (%s): deployed now", call->from, e->key, ch.tag,
                                digest);
                if (ch.auto_deploy == 0)
                        log_msg(LOG_NOTICE, "api: %s switched auto-deploy off for %s: its pushes are held", call->from,
                                e->key);
                if (ch.auto_deploy == 1) {
                        released = release_held(st, e->key);
                        log_msg(LOG_NOTICE, "api: %s switched auto-deploy on for %s: %zu held push(es) released",
                                call->from, e->key, released);
                        drain = drain || released > 0;
                }
        }
        o = repo_json(call->cfg, st, e);
        json_object_set_new(o, "queued", json_boolean(drain));     /* o NULL: a no-op, and a 500 */
        r = api_answer_json(call, 200, o);
        json_decref(o);
        after->drain = drain;
        str_copy(after->key, sizeof(after->key), e->key);
        return r;
}

/* The Docker work after the answer: the containers put back, then the
 * queue drained. */
static void work_after(const struct api_call *call, struct after *after)
{
        struct drain_stats ds;

        if (!after->drain)
                return;
        http_release(call->cgi);
        put_back(call, after->key, &after->m);
        drain_queue(call->cfg, &ds, false);
}

int api_tags(const struct api_call *call)
{
        struct watchlist w = { 0 };
        struct state *st = NULL;
        struct watched *e;
        struct after after = { 0 };
        char why[512] = "";
        bool reset = false;
        int r;

        if (!api_is_get(call) && strcmp(call->req->method, "POST") != 0)
                return api_method_not_allowed(call, "GET, HEAD, POST");
        if (state_open(call->cfg->state_dir, &st) < 0)
                st = NULL;
        r = watch_list(call->cfg, st, &w, why, sizeof(why));
        if (r < 0) {
                r = answer_error(call, 502, "%s", why[0] ? why : strerror(-r));
                goto out;
        }
        e = resolve(call, &w, &reset);
        if (!e) {
                r = 0;
        } else if (reset && strcmp(call->req->method, "POST") != 0) {
                r = api_method_not_allowed(call, "POST");
        } else if (strcmp(call->req->method, "POST") == 0) {
                r = post_tags(call, st, e, reset, &after);
        } else {
                json_t *o = repo_json(call->cfg, st, e);

                r = api_answer_json(call, 200, o);
                json_decref(o);
        }
out:
        watchlist_free(&w);
        if (st)
                state_close(st);
        work_after(call, &after);
        moved_free(&after.m);
        return r;
}
