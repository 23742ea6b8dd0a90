/* swarmspec: pure decisions on Swarm API replies. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "imageref.h"
#include "policy.h"
#include "swarmspec.h"

/* Swarm's defaults for an UpdateConfig that leaves a field out */
#define SWARM_DEFAULT_MONITOR_S 5
#define SWARM_WAIT_MARGIN_S     30
#define SWARM_WAIT_PER_BATCH_S  10      /* stop old task, start new one */
#define SWARM_WAIT_MAX_S        3600

static const json_t *spec_get(const json_t *service, const char *a, const char *b)
{
        const json_t *j = json_object_get(json_object_get(service, "Spec"), a);
        return b ? json_object_get(j, b) : j;
}

static const json_t *container_spec(const json_t *service)
{
        return spec_get(service, "TaskTemplate", "ContainerSpec");
}

json_t *swarm_service_labels(const json_t *service)
{
        json_t *labels = json_object();

        /* update only takes references, it changes neither source */
        if (labels) {
                json_object_update(labels, (json_t *)json_object_get(container_spec(service), "Labels"));
                json_object_update(labels, (json_t *)spec_get(service, "Labels", NULL));
        }
        return labels;
}

enum swarm_pick swarm_service_pick(const json_t *service, const char *scope)
{
        /* one label set: the container spec's, overridden by the
         * service's, so policy.c reads both places with its own names */
        json_t *labels = swarm_service_labels(service);
        struct policy pol;
        enum swarm_pick pick = SWARM_PICK_NO;

        if (!labels)
                return SWARM_PICK_NO;
        policy_from_labels(labels, &pol);
        if (pol.enabled && policy_in_scope(&pol, scope))
                pick = pol.monitor_only ? SWARM_PICK_MONITOR : SWARM_PICK_UPDATE;
        policy_free(&pol);
        json_decref(labels);
        return pick;
}

int swarm_image_split(const char *image, char *name, size_t name_size,
                      char *digest, size_t digest_size)
{
        const char *at = strchr(image, '@');
        size_t n = at ? (size_t)(at - image) : strlen(image);

        if (n >= name_size || (at && strlen(at + 1) >= digest_size))
                return -ENAMETOOLONG;
        memcpy(name, image, n);
        name[n] = '\0';
        snprintf(digest, digest_size, "%s", at ? at + 1 : "");
        return 0;
}

/* Is there a ":tag" after the last '/' (a ':' before it is a port)? */
static bool has_tag(const char *name)
{
        const char *slash = strrchr(name, '/'), *colon = strrchr(name, ':');
        return colon && (!slash || colon > slash);
}

int swarm_image_ref(const char *image, struct imageref *ref)
{
        char name[IMAGE_REF_MAX], digest[DIGEST_MAX];

        if (!image || swarm_image_split(image, name, sizeof(name), digest, sizeof(digest)) < 0)
                return -EINVAL;
        /* Swarm resolves "repo" to "repo:latest@..." itself, so a bare
         * "repo@digest" is the user's own pin */
        if (digest[0] && !has_tag(name))
                return -EINVAL;
        return imageref_parse(name, ref);
}

bool swarm_image_follows(const char *image, const struct push_event *ev)
{
        struct imageref ref;

        return swarm_image_ref(image, &ref) == 0 && imageref_matches_push(&ref, ev);
}

int swarm_image_with_digest(const char *image, const char *digest,
                            char *out, size_t size)
{
        char name[IMAGE_REF_MAX], old[DIGEST_MAX];
        int n;

        if (swarm_image_split(image, name, sizeof(name), old, sizeof(old)) < 0)
                return -ENAMETOOLONG;
        n = snprintf(out, size, "%s@%s", name, digest);
        return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

enum swarm_state swarm_update_state(const json_t *service, const char **message)
{
        const json_t *us = json_object_get(service, "UpdateStatus");
        const char *state = json_string_value(json_object_get(us, "State"));
        const char *msg = json_string_value(json_object_get(us, "Message"));

        if (message)
                *message = msg ? msg : "";
        if (!state)
                return SWARM_STATE_NONE;
        if (!strcmp(state, "updating") || !strcmp(state, "rollback_started"))
                return SWARM_STATE_UPDATING;
        if (!strcmp(state, "completed"))
                return SWARM_STATE_COMPLETED;
        if (!strcmp(state, "rollback_completed"))
                return SWARM_STATE_ROLLED_BACK;
        /* "paused", "rollback_paused", and whatever a newer Swarm adds:
         * nothing we can wait for */
        return SWARM_STATE_PAUSED;
}

static json_int_t replicas(const json_t *service)
{
        const json_t *r = json_object_get(spec_get(service, "Mode", "Replicated"), "Replicas");
        return json_is_integer(r) ? json_integer_value(r) : -1;
}

bool swarm_tasks_converged(const json_t *service, const json_t *tasks, const char *image)
{
        const json_t *t;
        size_t i;
        json_int_t want = replicas(service);

        if (!json_is_array(tasks))
                return false;
        json_array_foreach(tasks, i, t) {
                const char *img = json_string_value(json_object_get(
                        json_object_get(json_object_get(t, "Spec"), "ContainerSpec"), "Image"));
                const char *st = json_string_value(json_object_get(json_object_get(t, "Status"), "State"));

                if (!img || strcmp(img, image) != 0 || !st || strcmp(st, "running") != 0)
                        return false;
        }
        /* during an update a replica may be between its old and its new
         * task; global services have no count to hold them to */
        return want < 0 || (json_int_t)json_array_size(tasks) >= want;
}

static long long seconds_of(const json_t *ns, long long dflt)
{
        return json_is_integer(ns) ? json_integer_value(ns) / 1000000000LL : dflt;
}

int swarm_wait_budget(const json_t *service, int health_timeout)
{
        const json_t *uc = spec_get(service, "UpdateConfig", NULL);
        const json_t *par = json_object_get(uc, "Parallelism");
        long long monitor = seconds_of(json_object_get(uc, "Monitor"), SWARM_DEFAULT_MONITOR_S);
        long long delay = seconds_of(json_object_get(uc, "Delay"), 0);
        long long p = json_is_integer(par) ? json_integer_value(par) : 1;
        long long n = replicas(service), batches, total;

        /* parallelism 0 is all at once; a global service counts as one
         * batch, its node count is not known here */
        if (n < 1 || p <= 0)
                batches = 1;
        else
                batches = (n + p - 1) / p;
        /* kept in range, so the sum below cannot overflow */
        monitor = monitor < 0 ? 0 : monitor > SWARM_WAIT_MAX_S ? SWARM_WAIT_MAX_S : monitor;
        delay = delay < 0 ? 0 : delay > SWARM_WAIT_MAX_S ? SWARM_WAIT_MAX_S : delay;
        if (batches > SWARM_WAIT_MAX_S)
                batches = SWARM_WAIT_MAX_S;
        total = health_timeout + SWARM_WAIT_MARGIN_S +
                batches * (monitor + delay + SWARM_WAIT_PER_BATCH_S);
        return total > SWARM_WAIT_MAX_S ? SWARM_WAIT_MAX_S : (int)total;
}

int swarm_target_digest(const char *pushed, const char *registry_now, char *out, size_t size)
{
        if (!registry_now || !imageref_valid_digest(registry_now))
                return -EINVAL;
        if (pushed && pushed[0] && strcmp(pushed, registry_now) != 0)
                return -ESTALE;
        if ((size_t)snprintf(out, size, "%s", registry_now) >= size)
                return -ENAMETOOLONG;
        return 0;
}
