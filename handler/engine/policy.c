/* policy: labels to decisions. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"

/* The first of these labels that is present wins. */
static const char *label(const json_t *labels, const char *const names[])
{
        for (size_t i = 0; names[i]; i++) {
                const char *v = json_string_value(json_object_get(labels, names[i]));
                if (v)
                        return v;
        }
        return NULL;
}

static bool truthy(const char *v)
{
        return v && (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on"));
}

static bool falsy(const char *v)
{
        return v && (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off"));
}

static int seconds(const char *v, int dflt)
{
        char *end;
        long n;

        if (!v || !*v)
                return dflt;
        n = strtol(v, &end, 10);
        if (*end || n < 0 || n > 86400)
                return dflt;
        return (int)n;
}

const char *const policy_enable_labels[] = { "redock.enable", "com.centurylinklabs.watchtower.enable",
                                             "registry-docker-updater", NULL };
#define L_ENABLE policy_enable_labels
static const char *const L_SCOPE[] = { "redock.scope", "com.centurylinklabs.watchtower.scope", NULL };
static const char *const L_MONITOR[] = { "redock.monitor-only", "com.centurylinklabs.watchtower.monitor-only", NULL };
static const char *const L_SIGNAL[] = { "redock.stop-signal", "com.centurylinklabs.watchtower.stop-signal",
                                        "ai.talm.watchtower.stop-signal", NULL };
static const char *const L_STOP_TIMEOUT[] = { "redock.stop-timeout", NULL };
static const char *const L_HEALTH_TIMEOUT[] = { "redock.health-timeout", NULL };
static const char *const L_ROLLBACK[] = { "redock.rollback", NULL };
/* no other updater's label: Watchtower follows only the tag it runs */
static const char *const L_TAG_POLICY[] = { "redock.policy", NULL };
#define L_HOOK_TIMEOUT "redock.hook-timeout"
/* Watchtower's, in minutes; 0 there means no timeout */
#define L_WT_PRE_TIMEOUT "com.centurylinklabs.watchtower.lifecycle.pre-update-timeout"
#define L_WT_POST_TIMEOUT "com.centurylinklabs.watchtower.lifecycle.post-update-timeout"
#define HOOK_TIMEOUT_DEFAULT 60
#define HOOK_TIMEOUT_MAX 86400  /* what redock waits at most: a day */
static const char *const L_PRE[] = { "redock.pre-update", "com.centurylinklabs.watchtower.lifecycle.pre-update", NULL };
static const char *const L_POST[] = { "redock.post-update", "com.centurylinklabs.watchtower.lifecycle.post-update", NULL };
/* an image younger than this is not deployed (drain.c, hold.c) */
static const char *const L_MIN_AGE[] = { "redock.min-age", NULL };
static const char *const L_APPROVE[] = { "redock.approve", NULL };
static const char *const L_DEPENDS[] = { "redock.depends-on", "com.centurylinklabs.watchtower.depends-on", NULL };

/* A whole number from 0 to max, or -1. */
static long whole(const char *v, long max)
{
        char *end;
        long n;

        if (!v || *v < '0' || *v > '9')
                return -1;
        n = strtol(v, &end, 10);
        return *end || n > max ? -1 : n;
}

static void add_problem(struct hook_timeout *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* append to t->problem, "; " between two */
static void add_problem(struct hook_timeout *t, const char *fmt, ...)
{
        size_t k = strlen(t->problem);
        va_list ap;

        if (k)
                k += (size_t)snprintf(t->problem + k, sizeof(t->problem) - k, "; ");
        if (k >= sizeof(t->problem))
                return;
        va_start(ap, fmt);
        vsnprintf(t->problem + k, sizeof(t->problem) - k, fmt, ap);
        va_end(ap);
}

/* The timeout of one hook: redock's label in seconds first, then
 * Watchtower's in minutes (WT), then the default.  A label that is not
 * used as written says so in t->problem, never silently. */
static void hook_timeout(const json_t *labels, const char *wt, struct hook_timeout *t)
{
        const char *own = json_string_value(json_object_get(labels, L_HOOK_TIMEOUT));
        const char *min = json_string_value(json_object_get(labels, wt));
        long n;

        t->seconds = HOOK_TIMEOUT_DEFAULT;
        snprintf(t->from, sizeof(t->from), "the default");
        t->problem[0] = '\0';
        if (own) {
                n = whole(own, HOOK_TIMEOUT_MAX);
                if (n >= 0) {
                        t->seconds = (int)n;
                        snprintf(t->from, sizeof(t->from), "%s=%.40s", L_HOOK_TIMEOUT, own);
                        if (min)
                                add_problem(t, "label %s=%.40s ignored: %s=%.40s is set and wins",
                                            wt, min, L_HOOK_TIMEOUT, own);
                        return;
                }
                add_problem(t, "label %s=%.40s refused: not a whole number of seconds from 0 to %d",
                            L_HOOK_TIMEOUT, own, HOOK_TIMEOUT_MAX);
        }
        if (!min)
                return;
        n = whole(min, HOOK_TIMEOUT_MAX / 60);
        if (n < 0) {
                add_problem(t, "label %s=%.40s refused: not a whole number of minutes from 0 to %d",
                            wt, min, HOOK_TIMEOUT_MAX / 60);
                return;
        }
        if (n == 0) {
                /* a command that never ends would hold the update, and
                 * the queue, for ever: the longest redock waits instead */
                t->seconds = HOOK_TIMEOUT_MAX;
                add_problem(t, "label %s=0 (no timeout, in Watchtower) taken as %d minutes, the longest redock waits",
                            wt, HOOK_TIMEOUT_MAX / 60);
        } else
                t->seconds = (int)n * 60;
        snprintf(t->from, sizeof(t->from), "%s=%.40s minutes", wt, min);
}

int policy_from_labels(const json_t *labels, struct policy *p)
{
        const char *deps;

        memset(p, 0, sizeof(*p));
        p->enabled = truthy(label(labels, L_ENABLE));
        p->disabled = falsy(label(labels, L_ENABLE));
        p->monitor_only = truthy(label(labels, L_MONITOR));
        p->rollback = !falsy(label(labels, L_ROLLBACK));
        p->scope = label(labels, L_SCOPE);
        if (p->scope && !*p->scope)
                p->scope = NULL;
        p->stop_signal = label(labels, L_SIGNAL);
        if (p->stop_signal && !*p->stop_signal)
                p->stop_signal = NULL;
        p->stop_timeout = seconds(label(labels, L_STOP_TIMEOUT), -1);
        p->health_timeout = seconds(label(labels, L_HEALTH_TIMEOUT), -1);
        hook_timeout(labels, L_WT_PRE_TIMEOUT, &p->pre_timeout);
        hook_timeout(labels, L_WT_POST_TIMEOUT, &p->post_timeout);
        p->pre_update = label(labels, L_PRE);
        p->post_update = label(labels, L_POST);
        p->tag_policy = label(labels, L_TAG_POLICY);
        if (p->tag_policy && !*p->tag_policy)
                p->tag_policy = NULL;

        deps = label(labels, L_DEPENDS);
        if (deps) {
                char *copy = strdup(deps), *save = NULL, *tok;
                for (tok = copy ? strtok_r(copy, ", ", &save) : NULL;
                     tok && p->n_depends_on < POLICY_MAX_DEPS; tok = strtok_r(NULL, ", ", &save))
                        /* names may be written with compose's leading '/' */
                        p->depends_on[p->n_depends_on++] = strdup(tok[0] == '/' ? tok + 1 : tok);
                free(copy);
        }
        return 0;
}

void policy_free(struct policy *p)
{
        for (int i = 0; i < p->n_depends_on; i++)
                free(p->depends_on[i]);
        p->n_depends_on = 0;
}

bool policy_in_scope(const struct policy *p, const char *config_scope)
{
        if (!config_scope || !*config_scope)
                return p->scope == NULL;
        return p->scope && strcmp(p->scope, config_scope) == 0;
}

const char *policy_min_age(const json_t *labels)
{
        return label(labels, L_MIN_AGE);
}

int policy_approve(const json_t *labels)
{
        const char *v = label(labels, L_APPROVE);

        return truthy(v) ? 1 : falsy(v) ? 0 : -1;
}
