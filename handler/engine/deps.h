/* deps: which containers depend on which, and the order in which to stop
 * and start them around a replacement.
 *
 * Pure: built from `docker inspect` objects, no Docker calls, so the unit
 * tests feed it recorded JSON.  A container B depends on A when
 *   - B's redock.depends-on or Watchtower's depends-on label names A,
 *   - B links to A (HostConfig.Links, or a network's Links),
 *   - B runs in A's network namespace (NetworkMode "container:A"),
 *   - B's compose depends_on label names A's compose service (same project).
 * Dependents are stopped before the container they depend on and started
 * after it; those in its network namespace have to be recreated against
 * the new one, as their namespace goes with the old container. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

enum dep_kind {
        DEP_LABEL  = 1 << 0,    /* redock.depends-on, watchtower depends-on */
        DEP_LINK   = 1 << 1,    /* legacy or network-scoped link */
        DEP_NETNS  = 1 << 2,    /* NetworkMode container:X */
        DEP_COMPOSE = 1 << 3,   /* com.docker.compose.depends_on */
};

struct deps_node {
        char *name;             /* without Docker's leading '/' */
        char *id;
        bool running;
};

struct deps_graph {
        struct deps_node *nodes;
        size_t n;
        unsigned char *edge;    /* n*n: edge[b*n+a] = kinds by which b depends on a */
};

/* Build the graph from an array of container inspect objects.  0 or
 * -ENOMEM; free with deps_free. */
int deps_build(const json_t *inspects, struct deps_graph *g);
void deps_free(struct deps_graph *g);

/* Index of the container called name (or with that id), or -1. */
int deps_find(const struct deps_graph *g, const char *name);

/* The containers that depend on target, directly or not, in the order to
 * start them after it (a container before those that depend on it); stop
 * them in the reverse order.  out must hold g->n entries; *n_out is set.
 * A cycle among target and its dependents is -ELOOP, with the cycle
 * written to why ("a -> b -> a"). */
int deps_dependents(const struct deps_graph *g, size_t target, size_t *out, size_t *n_out,
                    char *why, size_t why_size);

/* Sort idx[0..n) so that a container comes after those it depends on
 * (directly or through containers outside idx).  -ELOOP with why on a
 * cycle, and idx is left as it was. */
int deps_sort(const struct deps_graph *g, size_t *idx, size_t n, char *why, size_t why_size);

/* Can the containers idx[0..n) be replaced at once?  Only when none
 * depends on another, directly or not, and no two share a dependent (each
 * update stops and starts its own dependents, and two must not do that to
 * one container), and none is in a cycle.  Otherwise false, with why
 * saying which two are related ("b depends on a"). */
bool deps_independent(const struct deps_graph *g, const size_t *idx, size_t n, char *why, size_t why_size);

/* Does b depend on a by kind (directly)? */
static inline bool deps_edge(const struct deps_graph *g, size_t b, size_t a, enum dep_kind kind)
{
        return (g->edge[b * g->n + a] & kind) != 0;
}
