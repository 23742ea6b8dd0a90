/* repos: Registrywatcher's per-repository settings, in redock's database.
 *
 *   repos       a repository ("REGISTRY/REPOSITORY", as a push event
 *               names it) with its pinned tag (NULL: none) and whether
 *               its pushes are deployed (auto_deploy, default on)
 *   repo_moved  what a pin moved: the container and the reference it
 *               ran before, so that reset can put it back
 *
 * The operator API (apirepos.c) writes them; the drain reads the whole
 * of repos once per pass (repos_load) and looks a push up in memory. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"
#include "config.h"
#include "event.h"
#include "state.h"

/* "REGISTRY/REPOSITORY" */
#define REPO_KEY_MAX (REGISTRY_HOST_MAX + REPOSITORY_MAX + 1)

/* The reason a push waits while auto-deploy is off, and its not-before
 * (redock status shows "never"). */
#define REPOS_HELD_REASON "auto-deploy is off for "
#define REPOS_HOLD_NEVER 253402300799LL /* 9999-12-31T23:59:59Z */

/* The event id of the job a pin queues (source poll): the one job
 * auto-deploy = off lets through, as the operator asked for it. */
#define REPOS_PIN_EVENT_PREFIX "redock-api-pin-"

struct repo_row {
        char repo[REPO_KEY_MAX];
        char pinned_tag[TAG_MAX];       /* "" none */
        bool auto_deploy;
        long long time;                 /* last change, unix seconds */
};

/* 1 with *row filled, 0 when the repository has no row (then: no pin,
 * auto-deploy on), -errno. */
int repos_get(struct state *st, const char *repo, struct repo_row *row);

/* Set the pin (tag NULL: drop it) and/or auto-deploy (auto_deploy < 0:
 * leave it), creating the row as needed.  0 or -errno. */
int repos_set(struct state *st, const char *repo, const char *tag, bool set_tag, int auto_deploy);

/* Every row, by repository; fn's non-zero return stops and is returned. */
int repos_each(struct state *st, int (*fn)(const struct repo_row *row, void *userdata), void *userdata);

/* Remember that a pin moves container away from old_image; the first
 * reference is kept when pins follow each other (reset returns to what
 * ran before any pin).  0 or -errno. */
int repos_moved_add(struct state *st, const char *repo, const char *container, const char *old_image);
int repos_moved_drop(struct state *st, const char *repo, const char *container);
int repos_each_moved(struct state *st, const char *repo,
                     int (*fn)(const char *container, const char *old_image, void *userdata), void *userdata);

/* The rows, loaded once (the drain's pass). */
struct repos_cache {
        struct repo_row *v;
        size_t n;
};

/* 0 (an empty cache when st is NULL or has no rows) or -errno. */
int repos_load(struct state *st, struct repos_cache *c);
void repos_cache_free(struct repos_cache *c);

/* The host a repository's key names for an image's host: the registry
 * of the source that has it as its registry or an alias (as a webhook's
 * event names it), else the host itself. */
const char *repos_event_host(const struct config *cfg, const char *host);

/* ev's repository's row, or NULL (no pin, auto-deploy on).  ev's host
 * is mapped as repos_event_host does (cfg may be NULL: as it is); an
 * event without a host (match-host = any) takes the row of that
 * repository on any host. */
const struct repo_row *repos_find(const struct repos_cache *c, const struct config *cfg,
                                  const struct push_event *ev);

/* What a URL's <repo> names (no I/O): "team/app" or
 * "127.0.0.1:5000/team/app" (a first component with '.' or ':' or
 * "localhost" is a host, as Docker reads it; Docker Hub's names
 * normalised as imageref does), with "/reset" at the end setting
 * *reset.  host "" when none was given.  0, or -EINVAL when it is not a
 * repository. */
int repos_parse_path(const char *rest, char *host, size_t host_size, char *repository, size_t repo_size,
                     bool *reset);
