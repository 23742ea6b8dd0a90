/* status: redock status.
 *
 * Every container and service becomes one JSON object (a row); --json
 * prints the rows, the table prints one column per key found in them.
 * So a new fact about a container is one more key in its row, in
 * container_row() or status_row_extra(), and nothing else changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "docker.h"
#include "holdstate.h"
#include "imageref.h"
#include "match.h"
#include "pending.h"
#include "policy.h"
#include "queue.h"
#include "since.h"
#include "state.h"
#include "repos.h"
#include "status.h"
#include "swarmspec.h"
#include "table.h"
#include "tagpolicy.h"

#define CELL_MAX        512     /* table cells are cut here; JSON has it all */
#define COLS_MAX        32      /* keys of a row that become columns */
#define JOBS_SHOWN_MAX  100     /* queued jobs listed one by one; the count is of all */
#define SHORT_DIGEST    19      /* "sha256:" and 12 hex digits in the table */

/* Keys in a row that JSON has and the table leaves out. */
static const char *const table_hidden[] = { "image_id", NULL };

struct status_ctx {
        const struct config *cfg;
        const struct status_args *a;
        struct docker d;
        struct state *st;               /* NULL: no history to show */
        bool *found;                    /* per a->names: a row or a note was made for it */
        bool *not_opted_in;             /* per a->names: exists, not opted in */
};

static json_t *str_or_null(const char *s)
{
        return s && *s ? json_string(s) : json_null();
}

/* Is name one the user asked for (or were none named)?  Marks it found. */
static bool wanted(struct status_ctx *c, const char *name)
{
        if (c->a->n_names == 0)
                return true;
        for (int i = 0; i < c->a->n_names; i++)
                if (strcmp(c->a->names[i], name) == 0) {
                        c->found[i] = true;
                        return true;
                }
        return false;
}

/* The digest part of the image's RepoDigest, or NULL. */
static json_t *image_digest(struct docker *d, const char *image_id)
{
        json_t *img = NULL, *r = json_null();
        const char *rd, *at;

        if (image_id && docker_callf(d, "GET", NULL, &img, 0, "/images/%s/json", image_id) == 200) {
                rd = json_string_value(json_array_get(json_object_get(img, "RepoDigests"), 0));
                at = rd ? strchr(rd, '@') : NULL;
                if (at)
                        r = json_string(at + 1);
        }
        json_decref(img);
        return r;
}

/* The labels that steer a container, with what redock makes of their
 * values; only those that differ from the default. */
static json_t *policy_json(const struct policy *p, const struct config *cfg)
{
        json_t *o = json_object();
        json_t *deps;

        if (!o)
                return NULL;
        if (p->scope)
                json_object_set_new(o, "scope", json_string(p->scope));
        if (!policy_in_scope(p, cfg->scope))
                json_object_set_new(o, "other-scope", json_true());
        if (p->monitor_only)
                json_object_set_new(o, "monitor-only", json_true());
        if (!p->rollback)
                json_object_set_new(o, "rollback", json_false());
        if (p->stop_signal)
                json_object_set_new(o, "stop-signal", json_string(p->stop_signal));
        if (p->stop_timeout >= 0)
                json_object_set_new(o, "stop-timeout", json_integer(p->stop_timeout));
        if (p->health_timeout >= 0)
                json_object_set_new(o, "health-timeout", json_integer(p->health_timeout));
        /* a timeout a label gave (policy.c says which), not the default */
        if (p->pre_update && strcmp(p->pre_timeout.from, "the default") != 0)
                json_object_set_new(o, "pre-update-timeout", json_integer(p->pre_timeout.seconds));
        if (p->post_update && strcmp(p->post_timeout.from, "the default") != 0)
                json_object_set_new(o, "post-update-timeout", json_integer(p->post_timeout.seconds));
        if (p->pre_update)
                json_object_set_new(o, "pre-update", json_string(p->pre_update));
        if (p->post_update)
                json_object_set_new(o, "post-update", json_string(p->post_update));
        if (p->n_depends_on > 0 && (deps = json_array())) {
                for (int i = 0; i < p->n_depends_on; i++)
                        if (p->depends_on[i])
                                json_array_append_new(deps, json_string(p->depends_on[i]));
                json_object_set_new(o, "depends-on", deps);
        }
        return o;
}

/* "last_outcome" and "last_time" from the history. */
static void add_last_outcome(struct status_ctx *c, json_t *row, const char *name)
{
        char outcome[64] = "", when[32];
        long long t = 0;

        if (c->st)
                state_last_outcome(c->st, name, outcome, sizeof(outcome), &t);
        json_object_set_new(row, "last_outcome", str_or_null(outcome));
        if (outcome[0]) {
                since_iso_time(t, when, sizeof(when));
                json_object_set_new(row, "last_time", json_string(when));
        } else {
                json_object_set_new(row, "last_time", json_null());
        }
}

/* "tag_policy" (redock.policy as it is taken, or why it is refused) and
 * "follows_tag" (what that means for the tag it runs), for a container
 * or a service running image (by tag) with these labels. */
static void tag_policy_keys(const char *image, const json_t *labels, json_t *row)
{
        char desc[TAGPOLICY_LABEL_MAX + 300], err[256], following[TAGPOLICY_LABEL_MAX + 32];
        struct imageref ref;
        struct tagpolicy tp;
        struct policy pol;
        bool parsed = image && imageref_parse(image, &ref) == 0 && ref.tag[0];

        policy_from_labels(labels, &pol);
        if (tagpolicy_parse(pol.tag_policy, &tp, err, sizeof(err)) < 0) {
                snprintf(desc, sizeof(desc), "refused: %.200s", err);
                json_object_set_new(row, "tag_policy", json_string(desc));
                json_object_set_new(row, "follows_tag", json_string("nothing: its redock.policy is refused"));
        } else {
                tagpolicy_describe(&tp, desc, sizeof(desc));
                json_object_set_new(row, "tag_policy", json_string(desc));
                if (parsed)
                        tagpolicy_following(&tp, ref.tag, following, sizeof(following));
                json_object_set_new(row, "follows_tag", parsed ? json_string(following) : json_null());
        }
        tagpolicy_free(&tp);
        policy_free(&pol);
}

/* More keys for a container's row, from its inspect object (they become
 * columns of the table by themselves).  Room for what another part of
 * redock can say about a container, e.g. which source follows it. */
static void status_row_extra(const struct config *cfg, const json_t *ins, json_t *row)
{
        char followed[1100];

        /* "source NAME", or "nothing: why" with the key that would fix it */
        match_describe(cfg, ins, followed, sizeof(followed));
        json_object_set_new(row, "followed_by", json_string(followed));
        tag_policy_keys(json_string_value(json_object_get(json_object_get(ins, "Config"), "Image")),
                        json_object_get(json_object_get(ins, "Config"), "Labels"), row);
}

/* One container's row, from its inspect object.  IMAGE is Config.Image,
 * what the container was created from: the list's Image turns into the
 * image id once the tag has moved on (after a rollback, say). */
static json_t *container_row(struct status_ctx *c, const json_t *ins, const char *name,
                             const struct policy *p)
{
        const json_t *config = json_object_get(ins, "Config");
        const char *image_id = json_string_value(json_object_get(ins, "Image"));
        json_t *row = json_object();

        if (!row)
                return NULL;
        json_object_set_new(row, "name", json_string(name));
        json_object_set_new(row, "state", str_or_null(json_string_value(
                json_object_get(json_object_get(ins, "State"), "Status"))));
        json_object_set_new(row, "image", str_or_null(json_string_value(json_object_get(config, "Image"))));
        json_object_set_new(row, "image_id", str_or_null(image_id));
        json_object_set_new(row, "digest", image_digest(&c->d, image_id));
        json_object_set_new(row, "policy", policy_json(p, c->cfg));
        add_last_outcome(c, row, name);
        status_row_extra(c->cfg, ins, row);
        return row;
}

static int by_name(const void *a, const void *b)
{
        const json_t *x = *(const json_t *const *)a, *y = *(const json_t *const *)b;

        return strcmp(json_string_value(json_object_get(x, "name")) ?: "",
                      json_string_value(json_object_get(y, "name")) ?: "");
}

/* Append rows (n of them) to arr sorted by name, taking their references. */
static void append_sorted(json_t *arr, json_t **rows, size_t n)
{
        if (n)
                qsort(rows, n, sizeof(*rows), by_name);
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, rows[i]);
}

/* The opted-in containers, in scope or not (the policy says).  Swarm
 * tasks' containers belong to their service, listed apart. */
static int list_containers(struct status_ctx *c, json_t *arr)
{
        json_t *list = NULL, **rows = NULL;
        const json_t *e;
        size_t i, n = 0;
        int r;

        r = docker_call(&c->d, "GET", "/containers/json?all=1", NULL, &list, 0);
        if (r != 200 || !json_is_array(list)) {
                json_decref(list);
                return r < 0 ? r : -EIO;
        }
        rows = calloc(json_array_size(list) + 1, sizeof(*rows));
        if (!rows) {
                json_decref(list);
                return -ENOMEM;
        }
        json_array_foreach(list, i, e) {
                const json_t *labels = json_object_get(e, "Labels");
                const char *name = json_string_value(json_array_get(json_object_get(e, "Names"), 0));
                const char *id = json_string_value(json_object_get(e, "Id"));
                json_t *ins = NULL;
                struct policy p;

                if (!name || !id || json_object_get(labels, "com.docker.swarm.task.id"))
                        continue;
                if (name[0] == '/')
                        name++;
                policy_from_labels(labels, &p);
                /* with select = all, every container not labelled off */
                if (c->cfg->select_all ? p.disabled : !p.enabled) {
                        policy_free(&p);
                        for (int k = 0; k < c->a->n_names; k++)
                                if (strcmp(c->a->names[k], name) == 0)
                                        c->not_opted_in[k] = true;
                        continue;
                }
                policy_free(&p);
                if (!wanted(c, name))
                        continue;
                /* gone since the list: nothing to show */
                if (docker_callf(&c->d, "GET", NULL, &ins, 0, "/containers/%s/json", id) != 200 ||
                    !json_is_object(ins)) {
                        json_decref(ins);
                        continue;
                }
                policy_from_labels(json_object_get(json_object_get(ins, "Config"), "Labels"), &p);
                rows[n] = container_row(c, ins, name, &p);
                policy_free(&p);
                json_decref(ins);
                if (rows[n])
                        n++;
        }
        append_sorted(arr, rows, n);
        free(rows);
        json_decref(list);
        return 0;
}

/* The opted-in Swarm services, when the daemon is a swarm manager
 * (anything else answers GET /services with an error: none to list). */
static void list_services(struct status_ctx *c, json_t *arr)
{
        json_t *list = NULL;
        const json_t *svc;
        size_t i;

        if (docker_call(&c->d, "GET", "/services", NULL, &list, 0) != 200 || !json_is_array(list)) {
                json_decref(list);
                return;
        }
        json_array_foreach(list, i, svc) {
                const json_t *spec = json_object_get(svc, "Spec");
                const char *name = json_string_value(json_object_get(spec, "Name"));
                const char *image = json_string_value(json_object_get(json_object_get(
                        json_object_get(spec, "TaskTemplate"), "ContainerSpec"), "Image"));
                enum swarm_pick pick = swarm_service_pick(svc, c->cfg->scope);
                char repo[512], digest[200];
                json_t *row, *pol, *labels;

                if (pick == SWARM_PICK_NO || !name || !image || !wanted(c, name))
                        continue;
                if (swarm_image_split(image, repo, sizeof(repo), digest, sizeof(digest)) < 0) {
                        snprintf(repo, sizeof(repo), "%s", image);
                        digest[0] = '\0';
                }
                row = json_object();
                pol = json_object();
                if (!row || !pol) {
                        json_decref(row);
                        json_decref(pol);
                        break;
                }
                if (pick == SWARM_PICK_MONITOR)
                        json_object_set_new(pol, "monitor-only", json_true());
                json_object_set_new(row, "name", json_string(name));
                json_object_set_new(row, "image", json_string(repo));
                json_object_set_new(row, "digest", str_or_null(digest));
                json_object_set_new(row, "policy", pol);
                add_last_outcome(c, row, name);
                labels = swarm_service_labels(svc);
                tag_policy_keys(repo, labels, row);
                json_decref(labels);
                json_array_append_new(arr, row);
        }
        json_decref(list);
}

struct from_state {
        struct status_ctx *c;
        json_t *containers, *services;
};

/* A row from the newest history row of a target: what redock knows while
 * Docker cannot be asked.  What only Docker knows is null. */
static int row_from_history(const struct history_row *h, void *userdata)
{
        struct from_state *fs = userdata;
        bool service = h->kind && strcmp(h->kind, "service") == 0;
        char when[32];
        json_t *row;

        if (!h->target || !wanted(fs->c, h->target))
                return 0;
        row = json_object();
        if (!row)
                return -ENOMEM;
        since_iso_time(h->time, when, sizeof(when));
        json_object_set_new(row, "name", json_string(h->target));
        if (!service)
                json_object_set_new(row, "state", json_null());
        json_object_set_new(row, "image", str_or_null(h->image));
        json_object_set_new(row, "digest", json_null());
        json_object_set_new(row, "policy", json_null());
        json_object_set_new(row, "last_outcome", str_or_null(h->outcome));
        json_object_set_new(row, "last_time", json_string(when));
        json_array_append_new(service ? fs->services : fs->containers, row);
        return 0;
}

/* One directory's jobs into jobs (up to JOBS_SHOWN_MAX in all), counted
 * into *count.  where is "queue" or "inbox". */
static void list_jobs(const char *dir, const char *where, json_t *queued, json_t *jobs, long *count)
{
        char **names = NULL;
        size_t n = 0;
        int r = queue_list(dir, &names, &n);

        if (r < 0) {
                char msg[600];

                snprintf(msg, sizeof(msg), "%s %s: %s", where, dir, strerror(-r));
                fprintf(stderr, "redock status: cannot list the %s\n", msg);
                json_array_append_new(json_object_get(queued, "errors"), json_string(msg));
                return;
        }
        for (size_t i = 0; i < n; i++) {
                struct job job;
                char image[IMAGE_REF_MAX], when[32];
                json_t *o;

                if (json_array_size(jobs) >= JOBS_SHOWN_MAX) {
                        *count += (long)(n - i);
                        break;
                }
                r = queue_read_job(dir, names[i], &job);
                if (r == -ENOENT)       /* a drain took it meanwhile */
                        continue;
                (*count)++;
                o = json_object();
                if (!o)
                        continue;
                json_object_set_new(o, "where", json_string(where));
                if (r < 0) {
                        json_object_set_new(o, "job", json_string(names[i]));
                        json_object_set_new(o, "error", json_string(queue_read_strerror(r)));
                        json_array_append_new(jobs, o);
                        continue;
                }
                snprintf(image, sizeof(image), "%s/%s:%s", job.ev.registry, job.ev.repository, job.ev.tag);
                since_iso_time(job.received, when, sizeof(when));
                json_object_set_new(o, "image", json_string(image));
                json_object_set_new(o, "digest", str_or_null(job.ev.digest));
                json_object_set_new(o, "source", json_string(job.source));
                json_object_set_new(o, "received", json_string(when));
                json_object_set_new(o, "job", json_string(job.name));
                json_array_append_new(jobs, o);
        }
        queue_names_free(names, n);
}

/* What waits: the queue, and the inbox a split-mode webhook fills (in
 * either mode: the mode may just have changed). */
static json_t *queued_json(const struct config *cfg)
{
        json_t *q = json_pack("{s:I,s:[],s:[]}", "count", (json_int_t)0, "jobs", "errors");
        long count = 0;

        if (!q)
                return NULL;
        list_jobs(cfg->queue_dir, "queue", q, json_object_get(q, "jobs"), &count);
        if (cfg->inbox_dir && strcmp(cfg->inbox_dir, cfg->queue_dir) != 0)
                list_jobs(cfg->inbox_dir, "inbox", q, json_object_get(q, "jobs"), &count);
        json_object_set_new(q, "count", json_integer(count));
        return q;
}

/* ---- the table, from the rows ---- */

/* A value as a table cell: null "-", an object of policy values
 * "key=value,flag,no-flag", an array "a+b", a digest short. */
static void render(const char *key, const json_t *v, char *buf, size_t size)
{
        size_t n = 0;
        const char *k;
        const json_t *x;
        size_t i;

        buf[0] = '\0';
        if (json_is_string(v)) {
                const char *s = json_string_value(v);
                if (strcmp(key, "digest") == 0)
                        snprintf(buf, size, "%.*s", SHORT_DIGEST, s);
                else
                        snprintf(buf, size, "%s", s);
        } else if (json_is_integer(v)) {
                snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        } else if (json_is_boolean(v)) {
                snprintf(buf, size, "%s", json_is_true(v) ? "yes" : "no");
        } else if (json_is_array(v)) {
                json_array_foreach(v, i, x)
                        if (n < size)
                                n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "+" : "",
                                                      json_string_value(x) ?: "?");
        } else if (json_is_object(v)) {
                json_object_foreach((json_t *)v, k, x) {
                        const char *sep = n ? "," : "";

                        if (n >= size)
                                break;
                        if (json_is_true(x))
                                n += (size_t)snprintf(buf + n, size - n, "%s%s", sep, k);
                        else if (json_is_false(x))
                                n += (size_t)snprintf(buf + n, size - n, "%sno-%s", sep, k);
                        else {
                                n += (size_t)snprintf(buf + n, size - n, "%s%s=", sep, k);
                                if (n < size) {
                                        render(k, x, buf + n, size - n);
                                        n += strlen(buf + n);
                                }
                        }
                }
        }
        if (n >= size && size > 4)
                memcpy(buf + size - 4, "...", 4);
}

static bool hidden(const char *key)
{
        for (size_t i = 0; table_hidden[i]; i++)
                if (strcmp(table_hidden[i], key) == 0)
                        return true;
        return false;
}

/* "last_outcome" -> "LAST OUTCOME"; the first column is titled. */
static void header(const char *key, char *buf, size_t size)
{
        size_t i;

        for (i = 0; key[i] && i + 1 < size; i++)
                buf[i] = key[i] == '_' ? ' ' : (char)(key[i] >= 'a' && key[i] <= 'z' ? key[i] - 32 : key[i]);
        buf[i] = '\0';
}

/* rows as a table under title: the columns are the keys of the rows, in
 * the order they first appear.  Two passes (widths, then lines), so it
 * holds one row's cells at a time. */
static int print_rows(FILE *out, const char *title, const json_t *rows)
{
        const char *keys[COLS_MAX];
        char (*cells)[CELL_MAX] = NULL;
        const char *v[COLS_MAX];
        size_t w[COLS_MAX], nk = 0, i;
        const json_t *row, *x;
        const char *k;

        json_array_foreach(rows, i, row)
                json_object_foreach((json_t *)row, k, x) {
                        size_t j;
                        for (j = 0; j < nk && strcmp(keys[j], k) != 0; j++)
                                ;
                        if (j == nk && nk < COLS_MAX && !hidden(k))
                                keys[nk++] = k;
                }
        if (nk == 0)
                return 0;
        cells = calloc(nk, sizeof(*cells));
        if (!cells)
                return -ENOMEM;
        for (size_t j = 0; j < nk; j++) {
                if (j == 0)
                        snprintf(cells[j], CELL_MAX, "%s", title);
                else
                        header(keys[j], cells[j], CELL_MAX);
                w[j] = table_width(cells[j]);
        }
        for (int pass = 0; pass < 2; pass++) {
                if (pass == 1) {
                        for (size_t j = 0; j < nk; j++) {
                                if (j == 0)
                                        snprintf(cells[j], CELL_MAX, "%s", title);
                                else
                                        header(keys[j], cells[j], CELL_MAX);
                                v[j] = cells[j];
                        }
                        table_line(out, v, w, nk);
                }
                json_array_foreach(rows, i, row) {
                        for (size_t j = 0; j < nk; j++) {
                                char raw[CELL_MAX];

                                render(keys[j], json_object_get(row, keys[j]), raw, sizeof(raw));
                                table_cell(cells[j], CELL_MAX, raw);
                                v[j] = cells[j];
                                if (pass == 0 && table_width(cells[j]) > w[j])
                                        w[j] = table_width(cells[j]);
                        }
                        if (pass == 1)
                                table_line(out, v, w, nk);
                }
        }
        free(cells);
        return 0;
}

int status_print_tables(FILE *out, const json_t *doc)
{
        const json_t *docker = json_object_get(doc, "docker");
        const json_t *queued = json_object_get(doc, "queued");
        const json_t *services = json_object_get(doc, "services");
        const json_t *jobs = json_object_get(queued, "jobs");
        json_int_t count = json_integer_value(json_object_get(queued, "count"));
        int r;

        if (!json_is_true(json_object_get(docker, "reachable")))
                fputs("Docker could not be reached: below is what redock's history records, "
                      "not what runs now\n", out);
        if (json_array_size(json_object_get(doc, "containers")) == 0)
                fputs(json_is_true(json_object_get(docker, "reachable"))
                      ? "No opted-in container.\n" : "No container in redock's history.\n", out);
        r = print_rows(out, "CONTAINER", json_object_get(doc, "containers"));
        if (r == 0 && json_array_size(services) > 0) {
                fputc('\n', out);
                r = print_rows(out, "SERVICE", services);
        }
        if (r < 0)
                return r;
        fputc('\n', out);
        if (count == 0) {
                fputs("Nothing queued.\n", out);
                return 0;
        }
        fprintf(out, "%" JSON_INTEGER_FORMAT " job(s) queued%s:\n", count,
                (json_int_t)json_array_size(jobs) < count ? ", the oldest shown" : "");
        return print_rows(out, "QUEUED", jobs);
}

static int held_row_json(const struct held_row *h, void *userdata)
{
        char until[32], since[32];

        /* auto-deploy = off holds a push until the API switches it on */
        if (h->not_before >= REPOS_HOLD_NEVER)
                snprintf(until, sizeof(until), "never");
        else
                since_iso_time(h->not_before, until, sizeof(until));
        since_iso_time(h->time, since, sizeof(since));
        json_array_append_new(userdata, json_pack("{s:s,s:s?,s:s?,s:s,s:s,s:s?,s:s}", "image", h->tag ?: "",
                                                  "source", h->source, "digest", h->digest, "until", until,
                                                  "since", since, "reason", h->reason, "job", h->job ?: ""));
        return 0;
}

static int refused_row_json(const char *target, const char *digest, const char *reason, long long when,
                            void *userdata)
{
        char t[32];

        since_iso_time(when, t, sizeof(t));
        json_array_append_new(userdata, json_pack("{s:s,s:s,s:s?,s:s}", "container", target ?: "",
                                                  "digest", digest ?: "", "reason", reason, "time", t));
        return 0;
}

static int pending_row_json(const struct pending_item *it, void *userdata)
{
        char since[32];

        since_iso_time(it->since, since, sizeof(since));
        json_array_append_new(userdata, json_pack("{s:I,s:s,s:s,s:s?,s:s}", "id", (json_int_t)it->id, "container",
                                                  it->target, "image", it->to_ref, "digest",
                                                  it->to_digest[0] ? it->to_digest : NULL, "since", since));
        return 0;
}

/* "held": pushes that wait for min-age or a window, earliest first;
 * "refused": digests rolled back on a container, not tried again;
 * "pending": changes that wait for an operator's approval. */
static void add_when(struct status_ctx *c, json_t *doc)
{
        json_t *held = json_array(), *refused = json_array(), *pending = json_array();

        if (c->st && held)
                state_each_held(c->st, 0, held_row_json, held);
        if (c->st && refused)
                state_each_refused(c->st, refused_row_json, refused);
        if (c->st && pending)
                pending_each(c->st, "waiting", pending_row_json, pending);
        json_object_set_new(doc, "held", held ? held : json_null());
        json_object_set_new(doc, "refused", refused ? refused : json_null());
        json_object_set_new(doc, "pending", pending ? pending : json_null());
}

/* One line each: "held IMAGE until TIME: REASON", "refused CONTAINER
 * DIGEST: REASON", "pending CONTAINER DIGEST: waits for approval (id N)
 * since TIME". */
static void print_when(FILE *out, const json_t *doc)
{
        const json_t *v;
        size_t i;

        json_array_foreach(json_object_get(doc, "held"), i, v) {
                if (i == 0)
                        fputc('\n', out);
                fprintf(out, "held     %s  until %s: %s\n", json_string_value(json_object_get(v, "image")),
                        json_string_value(json_object_get(v, "until")),
                        json_string_value(json_object_get(v, "reason")) ?: "");
        }
        json_array_foreach(json_object_get(doc, "refused"), i, v) {
                if (i == 0)
                        fputc('\n', out);
                fprintf(out, "refused  %s  %s: rolled back at %s (%s)\n",
                        json_string_value(json_object_get(v, "container")),
                        json_string_value(json_object_get(v, "digest")),
                        json_string_value(json_object_get(v, "time")),
                        json_string_value(json_object_get(v, "reason")) ?: "");
        }
        json_array_foreach(json_object_get(doc, "pending"), i, v) {
                if (i == 0)
                        fputc('\n', out);
                fprintf(out, "pending  %s  %s: waits for approval (id %" JSON_INTEGER_FORMAT ") since %s\n",
                        json_string_value(json_object_get(v, "container")),
                        json_string_value(json_object_get(v, "digest")) ?: json_string_value(json_object_get(v, "image")),
                        json_integer_value(json_object_get(v, "id")), json_string_value(json_object_get(v, "since")));
        }
}

/* What was asked for by name and not shown: say why, one line each. */
static int report_missing(const struct status_ctx *c, bool docker_up)
{
        int r = 0;

        for (int i = 0; i < c->a->n_names; i++) {
                if (c->found[i])
                        continue;
                if (c->not_opted_in[i])
                        fprintf(stderr, "redock status: %s is not opted in\n", c->a->names[i]);
                else if (docker_up)
                        fprintf(stderr, "redock status: no container or service named %s\n",
                                c->a->names[i]);
                else
                        fprintf(stderr, "redock status: redock has no record of %s\n", c->a->names[i]);
                r = -ENOENT;
        }
        return r;
}

int status_run(const struct config *cfg, const struct status_args *a, FILE *out)
{
        struct status_ctx c = { .cfg = cfg, .a = a };
        json_t *doc = NULL, *containers, *services;
        bool docker_up;
        char *s = NULL;
        int r, rd, missing;

        c.found = calloc((size_t)a->n_names + 1, sizeof(bool));
        c.not_opted_in = calloc((size_t)a->n_names + 1, sizeof(bool));
        doc = json_pack("{s:{s:s,s:b,s:n},s:[],s:[]}", "docker", "host", cfg->docker_host,
                        "reachable", 0, "error", "containers", "services");
        if (!c.found || !c.not_opted_in || !doc) {
                r = -ENOMEM;
                goto out;
        }
        containers = json_object_get(doc, "containers");
        services = json_object_get(doc, "services");
        if (state_open(cfg->state_dir, &c.st) < 0)
                c.st = NULL;    /* logged; Docker's part is still worth showing */

        rd = docker_open(&c.d, cfg->docker_host);
        if (rd == 0)
                rd = list_containers(&c, containers);
        docker_up = rd == 0;
        if (docker_up) {
                list_services(&c, services);
        } else {
                const char *why = c.d.errbuf[0] ? c.d.errbuf : strerror(-rd);
                struct from_state fs = { &c, containers, services };

                fprintf(stderr, "redock status: Docker at %s could not be reached: %s\n",
                        cfg->docker_host, why);
                json_object_set_new(json_object_get(doc, "docker"), "error", json_string(why));
                if (c.st)
                        state_each_target(c.st, row_from_history, &fs);
        }
        docker_close(&c.d);
        json_object_set_new(json_object_get(doc, "docker"), "reachable", json_boolean(docker_up));
        json_object_set_new(doc, "queued", queued_json(cfg));
        add_when(&c, doc);

        if (a->json) {
                s = json_dumps(doc, JSON_INDENT(2));
                r = s ? 0 : -ENOMEM;
                if (s)
                        fprintf(out, "%s\n", s);
        } else {
                r = status_print_tables(out, doc);
                if (r == 0)
                        print_when(out, doc);
        }
        if (r == 0 && (fflush(out) != 0 || ferror(out)))
                r = -EIO;
        missing = report_missing(&c, docker_up);
        if (r == 0 && !docker_up)
                r = -EHOSTUNREACH;
        else if (r == 0)
                r = missing;
out:
        free(s);
        json_decref(doc);
        state_close(c.st);
        free(c.found);
        free(c.not_opted_in);
        return r;
}
