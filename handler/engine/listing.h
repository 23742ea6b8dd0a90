/* listing: containers as GET /containers/json lists them, shaped like
 * their inspect objects for what matching and the dependency graph read.
 *
 * A list costs one call for the whole host; an inspect one call per
 * container.  So a push reads the list, and inspects only the containers
 * it will touch (the targets and what depends on them), and those whose
 * list entry cannot stand in for inspect. */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#include "deps.h"
#include "docker.h"

/* Does Docker show this image by id ("sha256:..." or bare hex)?  It does
 * in a list once the tag the container was created with moved on. */
bool listing_image_is_id(const char *image);

/* A container's name (inspect's or a summary's "Name") without Docker's
 * leading '/'; NULL when it has none. */
const char *listing_name(const json_t *ins);

/* One list entry as an inspect-shaped object: Id, Name (its own name, of
 * the several a link gives it), Image (the image id), State.Status and
 * State.Running,
 * Config.Image and Config.Labels, HostConfig.NetworkMode and an empty
 * HostConfig.Links, NetworkSettings.Networks.  Config.Image is null when
 * the list shows the image by id: the tag the container was created with
 * moved on, and the reference is only in inspect.  NULL when the entry
 * lacks its id, its own name or its image id. */
json_t *listing_summary(const json_t *entry);

/* A /containers/json reply as an array of summaries, with the legacy
 * links the list shows on the linked container ("/web/db") moved to the
 * linker's HostConfig.Links, as inspect has them.  NULL on ENOMEM. */
json_t *listing_from_list(const json_t *list);

/* GET path (a /containers/json query) as listing_from_list has it.  NULL
 * with *err (-errno) when Docker did not answer. */
json_t *listing_get(struct docker *d, const char *path, int *err);

/* Inspect container id into *out; *out NULL when it is gone (404).
 * 0, or -errno when Docker did not answer. */
int listing_inspect(struct docker *d, const char *id, json_t **out);

/* Mark in tied (g->n entries, the targets set on entry) what replacing
 * the targets may stop, start or recreate: every container that depends
 * on a tied one, directly or not, as g (built from a listing) shows it;
 * and, as the list does not show links within a user-defined network,
 * every container that shares such a network with a tied one.  These
 * are the containers to inspect before g is built again. */
void listing_tied(const json_t *all, const struct deps_graph *g, bool *tied);
