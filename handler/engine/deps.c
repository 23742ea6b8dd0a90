/* deps: the dependency graph of containers, from their inspect objects. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deps.h"
#include "policy.h"

static const char *strip_slash(const char *s)
{
        return s && s[0] == '/' ? s + 1 : s;
}

int deps_find(const struct deps_graph *g, const char *name)
{
        size_t len;
        int hit = -1;

        if (!name || !*name)
                return -1;
        name = strip_slash(name);
        for (size_t i = 0; i < g->n; i++)
                if (strcmp(g->nodes[i].name, name) == 0)
                        return (int)i;
        /* Docker takes any unique prefix of an id */
        len = strlen(name);
        if (len < 4)
                return -1;
        for (size_t i = 0; i < g->n; i++)
                if (strncmp(g->nodes[i].id, name, len) == 0) {
                        if (hit >= 0)
                                return -1;
                        hit = (int)i;
                }
        return hit;
}

static void add_edge(struct deps_graph *g, size_t b, int a, enum dep_kind kind)
{
        if (a >= 0 && (size_t)a != b)
                g->edge[b * g->n + (size_t)a] |= kind;
}

/* "target:alias" or "/target:/self/alias" -> an edge to target */
static void add_link(struct deps_graph *g, size_t b, const char *link)
{
        char name[256];
        const char *colon;
        size_t len;

        if (!link)
                return;
        link = strip_slash(link);
        colon = strchr(link, ':');
        len = colon ? (size_t)(colon - link) : strlen(link);
        if (len == 0 || len >= sizeof(name))
                return;
        memcpy(name, link, len);
        name[len] = '\0';
        add_edge(g, b, deps_find(g, name), DEP_LINK);
}

static const char *label_of(const json_t *c, const char *key)
{
        return json_string_value(json_object_get(json_object_get(json_object_get(c, "Config"), "Labels"), key));
}

/* compose writes "db:service_started:false,cache:service_healthy:true";
 * older versions wrote just the service names */
static void add_compose(struct deps_graph *g, const json_t *all, size_t b, const json_t *c)
{
        const char *deps = label_of(c, "com.docker.compose.depends_on");
        const char *project = label_of(c, "com.docker.compose.project");
        char *copy, *save = NULL, *tok;

        if (!deps || !project || !(copy = strdup(deps)))
                return;
        for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                char *colon = strchr(tok, ':');

                if (colon)
                        *colon = '\0';
                while (*tok == ' ')
                        tok++;
                for (size_t a = 0; a < g->n; a++) {
                        const json_t *o = json_array_get(all, a);
                        const char *p = label_of(o, "com.docker.compose.project");
                        const char *s = label_of(o, "com.docker.compose.service");

                        if (p && s && strcmp(p, project) == 0 && strcmp(s, tok) == 0)
                                add_edge(g, b, (int)a, DEP_COMPOSE);
                }
        }
        free(copy);
}

int deps_build(const json_t *inspects, struct deps_graph *g)
{
        size_t n = json_array_size(inspects);

        memset(g, 0, sizeof(*g));
        g->nodes = calloc(n ? n : 1, sizeof(*g->nodes));
        g->edge = calloc(n ? n * n : 1, 1);
        if (!g->nodes || !g->edge)
                goto oom;
        for (size_t i = 0; i < n; i++) {
                const json_t *c = json_array_get(inspects, i);
                const char *name = strip_slash(json_string_value(json_object_get(c, "Name")));
                const char *id = json_string_value(json_object_get(c, "Id"));

                g->nodes[i].name = strdup(name ? name : "");
                g->nodes[i].id = strdup(id ? id : "");
                g->nodes[i].running = json_is_true(json_object_get(json_object_get(c, "State"), "Running"));
                g->n = i + 1;
                if (!g->nodes[i].name || !g->nodes[i].id)
                        goto oom;
        }
        for (size_t b = 0; b < n; b++) {
                const json_t *c = json_array_get(inspects, b);
                const json_t *hc = json_object_get(c, "HostConfig");
                const char *mode = json_string_value(json_object_get(hc, "NetworkMode"));
                const json_t *nets = json_object_get(json_object_get(c, "NetworkSettings"), "Networks");
                const json_t *v, *ep;
                const char *key;
                struct policy pol;
                size_t i;

                policy_from_labels(json_object_get(json_object_get(c, "Config"), "Labels"), &pol);
                for (int k = 0; k < pol.n_depends_on; k++)
                        add_edge(g, b, deps_find(g, pol.depends_on[k]), DEP_LABEL);
                policy_free(&pol);
                json_array_foreach(json_object_get(hc, "Links"), i, v)
                        add_link(g, b, json_string_value(v));
                json_object_foreach((json_t *)nets, key, ep)
                        json_array_foreach(json_object_get(ep, "Links"), i, v)
                                add_link(g, b, json_string_value(v));
                if (mode && strncmp(mode, "container:", 10) == 0)
                        add_edge(g, b, deps_find(g, mode + 10), DEP_NETNS);
                add_compose(g, inspects, b, c);
        }
        return 0;
oom:
        deps_free(g);
        return -ENOMEM;
}

void deps_free(struct deps_graph *g)
{
        for (size_t i = 0; g->nodes && i < g->n; i++) {
                free(g->nodes[i].name);
                free(g->nodes[i].id);
        }
        free(g->nodes);
        free(g->edge);
        memset(g, 0, sizeof(*g));
}

/* Depth-first over "depends on" edges, restricted to the nodes in `in`:
 * a node is emitted after everything it depends on.  A node met again
 * while still on the path closes a cycle. */
struct walk {
        const struct deps_graph *g;
        const bool *in;         /* NULL: every node */
        unsigned char *color;   /* 0 new, 1 on the path, 2 done */
        size_t *path, depth;
        size_t *out, n_out;
        const bool *emit;       /* NULL: emit every node visited */
        char *why;
        size_t why_size;
};

static void say_cycle(struct walk *w, size_t closing)
{
        size_t start = 0, len = 0;

        while (start < w->depth && w->path[start] != closing)
                start++;
        if (!w->why || !w->why_size)
                return;
        w->why[0] = '\0';
        for (size_t i = start; i < w->depth; i++) {
                int k = snprintf(w->why + len, w->why_size - len, "%s%s", w->g->nodes[w->path[i]].name,
                                 " -> ");
                if (k < 0 || (size_t)k >= w->why_size - len)
                        return;
                len += (size_t)k;
        }
        snprintf(w->why + len, w->why_size - len, "%s", w->g->nodes[closing].name);
}

static int visit(struct walk *w, size_t v)
{
        const struct deps_graph *g = w->g;

        if (w->color[v] == 2)
                return 0;
        if (w->color[v] == 1) {
                say_cycle(w, v);
                return -ELOOP;
        }
        w->color[v] = 1;
        w->path[w->depth++] = v;
        for (size_t u = 0; u < g->n; u++) {
                if (!g->edge[v * g->n + u] || (w->in && !w->in[u]))
                        continue;
                int r = visit(w, u);
                if (r < 0)
                        return r;
        }
        w->depth--;
        w->color[v] = 2;
        if (!w->emit || w->emit[v])
                w->out[w->n_out++] = v;
        return 0;
}

int deps_dependents(const struct deps_graph *g, size_t target, size_t *out, size_t *n_out,
                    char *why, size_t why_size)
{
        bool *in = calloc(g->n ? g->n : 1, sizeof(*in));
        size_t *queue = calloc(g->n ? g->n : 1, sizeof(*queue)), *order = NULL;
        unsigned char *color = calloc(g->n ? g->n : 1, 1);
        size_t *path = calloc(g->n ? g->n : 1, sizeof(*path));
        size_t head = 0, tail = 0;
        int r = -ENOMEM;

        *n_out = 0;
        if (!in || !queue || !color || !path || target >= g->n)
                goto out;
        order = calloc(g->n, sizeof(*order));
        if (!order)
                goto out;
        /* everything that reaches target by "depends on" edges */
        in[target] = true;
        queue[tail++] = target;
        while (head < tail) {
                size_t a = queue[head++];
                for (size_t b = 0; b < g->n; b++)
                        if (!in[b] && g->edge[b * g->n + a]) {
                                in[b] = true;
                                queue[tail++] = b;
                        }
        }
        {
                struct walk w = { .g = g, .in = in, .color = color, .path = path, .out = order,
                                  .why = why, .why_size = why_size };
                r = 0;
                for (size_t i = 0; i < tail && r == 0; i++)
                        r = visit(&w, queue[i]);
                if (r == 0)
                        for (size_t i = 0; i < w.n_out; i++)
                                if (order[i] != target)
                                        out[(*n_out)++] = order[i];
        }
out:
        free(order);
        free(path);
        free(color);
        free(queue);
        free(in);
        return r;
}

int deps_sort(const struct deps_graph *g, size_t *idx, size_t n, char *why, size_t why_size)
{
        bool *emit = calloc(g->n ? g->n : 1, sizeof(*emit));
        unsigned char *color = calloc(g->n ? g->n : 1, 1);
        size_t *path = calloc(g->n ? g->n : 1, sizeof(*path));
        size_t *order = calloc(g->n ? g->n : 1, sizeof(*order));
        int r = -ENOMEM;

        if (!emit || !color || !path || !order)
                goto out;
        for (size_t i = 0; i < n; i++)
                if (idx[i] < g->n)
                        emit[idx[i]] = true;
        {
                struct walk w = { .g = g, .color = color, .path = path, .out = order,
                                  .emit = emit, .why = why, .why_size = why_size };
                r = 0;
                for (size_t i = 0; i < n && r == 0; i++)
                        if (idx[i] < g->n)
                                r = visit(&w, idx[i]);
                if (r == 0 && w.n_out == n)
                        memcpy(idx, order, n * sizeof(*idx));
        }
out:
        free(order);
        free(path);
        free(color);
        free(emit);
        return r;
}

/* One walk per target: each target claims its dependents.  A dependent
 * that is itself a target, or one already claimed, relates two targets.
 * The start order deps_dependents gives lists a target before whatever
 * depends on it, so a direct relation is named before the dependents
 * the two then share. */
bool deps_independent(const struct deps_graph *g, const size_t *idx, size_t n, char *why, size_t why_size)
{
        size_t slots = g->n ? g->n : 1;
        size_t *owner = calloc(slots, sizeof(*owner)), *dep = calloc(slots, sizeof(*dep));
        bool *target = calloc(slots, sizeof(*target));
        bool ok = owner && dep && target;

        if (!ok)
                snprintf(why, why_size, "%s", strerror(ENOMEM));
        for (size_t k = 0; ok && k < g->n; k++)
                owner[k] = SIZE_MAX;
        for (size_t t = 0; ok && t < n; t++)
                target[idx[t]] = true;
        for (size_t t = 0; ok && t < n; t++) {
                const char *name = g->nodes[idx[t]].name;
                char loop[256];
                size_t m = 0;

                if (deps_dependents(g, idx[t], dep, &m, loop, sizeof(loop)) < 0) {
                        snprintf(why, why_size, "%s is in a dependency cycle", name);
                        ok = false;
                }
                for (size_t j = 0; ok && j < m; j++) {
                        const char *d = g->nodes[dep[j]].name;

                        if (target[dep[j]]) {
                                snprintf(why, why_size, "%s depends on %s", d, name);
                                ok = false;
                        } else if (owner[dep[j]] != SIZE_MAX) {
                                snprintf(why, why_size, "%s depends on both %s and %s", d,
                                         g->nodes[idx[owner[dep[j]]]].name, name);
                                ok = false;
                        }
                        owner[dep[j]] = t;
                }
        }
        free(target);
        free(owner);
        free(dep);
        return ok;
}
