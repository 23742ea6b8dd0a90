/* dependents: stop the containers that depend on one before it is
 * swapped, and start them again after it, in dependency order.
 *
 * The order comes from deps.c.  Dependents are stopped last-first right
 * before the old container stops (between update.c's steps), and started
 * first-first once the new one has proved itself, or once the old one
 * runs again after a rollback.  Those in the old container's network
 * namespace are recreated against the new one: a namespace dies with its
 * container.  Only containers in this instance's scope are touched, and
 * monitor-only ones never. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "config.h"
#include "deps.h"
#include "docker.h"
#include "update.h"

struct dependents {
        struct docker *d;
        const struct config *cfg;
        const struct deps_graph *g;
        const json_t *inspects;         /* the array g was built from */
        size_t target;
        size_t *order;                  /* start order */
        size_t n;
        bool *stopped;                  /* by index in g: stopped by us */
        char **new_id;                  /* by index in g: id after a recreate */
        const char **stopping;          /* what dependents_stop stops, NULL-terminated */
        const char *to_image;           /* the target moves to this reference (update_opts), or NULL */
};

/* Plan for target (an index in g).  0, -ELOOP with the cycle in why, or
 * -ENOMEM.  Free with dependents_free whatever it returned. */
int dependents_plan(struct dependents *dp, struct docker *d, const struct config *cfg,
                    const struct deps_graph *g, const json_t *inspects, size_t target,
                    char *why, size_t why_size);

/* Update the target (update.c's steps) with its running dependents
 * stopped, last first, right before the old container stops, and started
 * again, first first, once the new one has proved itself or the old one
 * runs again; those in its network namespace recreated against the new
 * one.  Returns what update_container does. */
int dependents_update(struct dependents *dp, struct update_result *res);

void dependents_free(struct dependents *dp);
