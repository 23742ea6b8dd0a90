/* dependents: the containers around a swap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dependents.h"
#include "log.h"
#include "policy.h"

/* May redock stop, start or recreate this container at all? */
static bool ours(const struct dependents *dp, size_t i)
{
        const json_t *labels = json_object_get(json_object_get(json_array_get(dp->inspects, i), "Config"), "Labels");
        struct policy pol;
        bool ok;

        policy_from_labels(labels, &pol);
        ok = policy_in_scope(&pol, dp->cfg->scope) && !pol.monitor_only;
        policy_free(&pol);
        return ok;
}

int dependents_plan(struct dependents *dp, struct docker *d, const struct config *cfg,
                    const struct deps_graph *g, const json_t *inspects, size_t target,
                    char *why, size_t why_size)
{
        size_t n = g->n ? g->n : 1;

        memset(dp, 0, sizeof(*dp));
        dp->d = d;
        dp->cfg = cfg;
        dp->g = g;
        dp->inspects = inspects;
        dp->target = target;
        dp->order = calloc(n, sizeof(*dp->order));
        dp->stopped = calloc(n, sizeof(*dp->stopped));
        dp->new_id = calloc(n, sizeof(*dp->new_id));
        dp->stopping = calloc(n + 1, sizeof(*dp->stopping));
        if (!dp->order || !dp->stopped || !dp->new_id || !dp->stopping)
                return -ENOMEM;
        return deps_dependents(g, target, dp->order, &dp->n, why, why_size);
}

/* The names dependents_stop is about to stop (running, in scope, not
 * monitor-only), for the intent record. */
static const char *const *dependents_stopping(struct dependents *dp)
{
        size_t m = 0;

        for (size_t k = dp->n; k-- > 0;) {
                size_t i = dp->order[k];

                if (dp->g->nodes[i].running && ours(dp, i))
                        dp->stopping[m++] = dp->g->nodes[i].name;
        }
        dp->stopping[m] = NULL;
        return dp->stopping;
}

/* Stop the running dependents, last first. */
static void dependents_stop(struct dependents *dp)
{
        for (size_t k = dp->n; k-- > 0;) {
                size_t i = dp->order[k];
                const char *name = dp->g->nodes[i].name;

                if (!dp->g->nodes[i].running)
                        continue;
                if (!ours(dp, i)) {
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                                "%s depends on %s but is monitor-only or in another scope: left running",
                                name, dp->g->nodes[dp->target].name);
                        continue;
                }
                if (update_stop_container(dp->d, name, json_array_get(dp->inspects, i), dp->cfg) < 0) {
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                                "could not stop %s, which depends on %s", name, dp->g->nodes[dp->target].name);
                        continue;
                }
                dp->stopped[i] = true;
                log_ctx(LOG_INFO, &(struct log_ctx){ .container = name },
                        "stopped %s, which depends on %s", name, dp->g->nodes[dp->target].name);
        }
}

/* The new id of the container whose network namespace i joined, when that
 * container was replaced or recreated in this round; else NULL. */
static const char *moved_netns(const struct dependents *dp, size_t i, const struct update_result *res)
{
        const struct deps_graph *g = dp->g;

        for (size_t a = 0; a < g->n; a++) {
                if (!deps_edge(g, i, a, DEP_NETNS))
                        continue;
                if (a == dp->target)
                        return res->outcome == UPDATE_UPDATED ? res->container_id : NULL;
                if (dp->new_id[a])
                        return dp->new_id[a];
        }
        return NULL;
}

static int recreate(struct dependents *dp, size_t i, const char *netns_to)
{
        const char *name = dp->g->nodes[i].name;
        const struct update_opts opts = { .cfg = dp->cfg, .recreate = true, .start = dp->stopped[i],
                                          .netns_to = netns_to };
        struct update_result res;
        int r = update_container(dp->d, name, &opts, &res);

        if (r < 0 || res.outcome != UPDATE_UPDATED) {
                log_ctx(LOG_ERR, &(struct log_ctx){ .container = name, .outcome = "failed" },
                        "could not recreate %s in the network namespace of the new %s: %s", name,
                        dp->g->nodes[dp->target].name, r < 0 ? strerror(-r) : res.reason);
                /* it stays as it was: start it if it ran, for what that is worth */
                if (dp->stopped[i])
                        docker_callf(dp->d, "POST", NULL, NULL, 0, "/containers/%s/start", name);
                return -EIO;
        }
        dp->new_id[i] = strdup(res.container_id);
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .container = name, .outcome = "recreated" },
                "recreated %s in the network namespace of the new %s", name, dp->g->nodes[dp->target].name);
        return 0;
}

/* After the target's update (res): recreate the dependents that joined
 * its old network namespace, start the ones stopped for the swap.  Logs
 * each step; returns how many could not be brought back. */
static int dependents_restart(struct dependents *dp, const struct update_result *res)
{
        int bad = 0;

        for (size_t k = 0; k < dp->n; k++) {
                size_t i = dp->order[k];
                const char *name = dp->g->nodes[i].name;
                const char *netns = moved_netns(dp, i, res);
                int s;

                if (netns) {
                        if (!ours(dp, i)) {
                                log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                                        "%s ran in the network namespace of the old %s; it is monitor-only "
                                        "or in another scope, so it is left as it is", name,
                                        dp->g->nodes[dp->target].name);
                                continue;
                        }
                        bad += recreate(dp, i, netns) < 0;
                        continue;
                }
                if (!dp->stopped[i])
                        continue;
                s = docker_callf(dp->d, "POST", NULL, NULL, 0, "/containers/%s/start", name);
                if (s != 204 && s != 304) {
                        log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                                "could not start %s again after %s (%d)", name,
                                dp->g->nodes[dp->target].name, s);
                        bad++;
                        continue;
                }
                log_ctx(LOG_INFO, &(struct log_ctx){ .container = name },
                        "started %s again after %s", name, dp->g->nodes[dp->target].name);
        }
        return bad;
}

int dependents_update(struct dependents *dp, struct update_result *res)
{
        const struct update_opts opts = { .cfg = dp->cfg, .to_image = dp->to_image };
        struct update *u;

        update_begin(dp->d, dp->g->nodes[dp->target].name, &opts, res, &u);
        if (update_swap_next(u) && update_note_stopping(u, dependents_stopping(dp)) == 0)
                dependents_stop(dp);
        update_swap(u);
        /* before the target's intent record goes: a crash in between
         * leaves them to the repair */
        dependents_restart(dp, res);
        return update_end(u);
}

void dependents_free(struct dependents *dp)
{
        for (size_t i = 0; dp->new_id && i < dp->g->n; i++)
                free(dp->new_id[i]);
        free(dp->new_id);
        free(dp->order);
        free(dp->stopped);
        free(dp->stopping);
        memset(dp, 0, sizeof(*dp));
}
