/* policy: what a container's labels ask of redock.
 *
 * redock's own labels, and Watchtower's and other updaters' names for the
 * same things, so containers labelled for those tools work unchanged. */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#define POLICY_MAX_DEPS 32

/* room for a timeout's origin or problem: label names and a short value */
#define POLICY_NOTE_MAX 256

/* How long a pre- or post-update command may run, and why. */
struct hook_timeout {
        int seconds;
        char from[POLICY_NOTE_MAX];     /* the label that gave it, or "the default" */
        char problem[POLICY_NOTE_MAX];  /* a timeout label not taken as written, and why; "" */
};

struct policy {
        bool enabled;           /* redock.enable, watchtower enable, registry-docker-updater */
        bool disabled;          /* the same label, false: out even with select = all */
        bool monitor_only;      /* log and record, never change */
        bool rollback;          /* put the old one back on failure (default) */
        const char *scope;      /* redock.scope / watchtower scope, or NULL */
        const char *stop_signal;/* e.g. "SIGHUP", or NULL for the container's own */
        int stop_timeout;       /* seconds, -1 = the container's or the config's */
        int health_timeout;     /* seconds, -1 = the config's */
        /* redock.hook-timeout (seconds, both), else Watchtower's
         * lifecycle.pre-update-timeout / post-update-timeout (minutes) */
        struct hook_timeout pre_timeout, post_timeout;
        const char *pre_update; /* shell command run in the old container */
        const char *post_update;/* shell command run in the new container */
        /* redock.policy as written, or NULL (digest): which tag it
         * follows, parsed by tagpolicy.c */
        const char *tag_policy;
        char *depends_on[POLICY_MAX_DEPS]; /* container names this one needs */
        int n_depends_on;
};

/* The labels that opt a container in (any one of them), NULL-ended: the
 * drain asks Docker for the containers that carry one, never for all. */
extern const char *const policy_enable_labels[];

/* Fill p from a container's Config.Labels (strings point into labels,
 * depends_on entries are allocated: free with policy_free).  Returns 0. */
int policy_from_labels(const json_t *labels, struct policy *p);
void policy_free(struct policy *p);

/* Is a container with policy p in the scope this redock serves?  A
 * configured scope takes only containers with that scope; no configured
 * scope takes only containers without one, so two instances with
 * different scopes never touch each other's containers. */
bool policy_in_scope(const struct policy *p, const char *config_scope);

/* The exit code by which a pre-update command asks to skip the update. */
#define POLICY_PRE_UPDATE_SKIP 75

/* The redock.min-age label's value as written (a duration, which the
 * caller parses), or NULL.  Strings point into labels. */
const char *policy_min_age(const json_t *labels);

/* redock.approve: 1 its changes wait for an operator's approval (true,
 * yes, 1, on), 0 they do not whatever the source says (false, no, 0,
 * off), -1 not set or neither. */
int policy_approve(const json_t *labels);
