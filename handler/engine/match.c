/* match: which containers a push reaches, and why the others do not. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "hostmap.h"
#include "imageref.h"
#include "listing.h"
#include "match.h"
#include "policy.h"
#include "tagpolicy.h"

/* Is this container opted in under [redock] select (its labels alone)? */
static bool opted_in(const struct config *cfg, const json_t *labels)
{
        struct policy pol;
        bool yes;

        policy_from_labels(labels, &pol);
        yes = cfg->select_all ? !pol.disabled : pol.enabled;
        policy_free(&pol);
        return yes;
}

int match_resolve_moved(struct docker *d, const struct config *cfg, json_t *all)
{
        json_t *c;
        size_t i;
        int r = 0;

        json_array_foreach(all, i, c) {
                const json_t *config = json_object_get(c, "Config");
                json_t *ins;

                if (json_string_value(json_object_get(config, "Image")) ||
                    !opted_in(cfg, json_object_get(config, "Labels")))
                        continue;
                r = listing_inspect(d, json_string_value(json_object_get(c, "Id")), &ins);
                if (r == 0 && ins)
                        r = json_array_set_new(all, i, ins) < 0 ? -ENOMEM : 0;
                if (r < 0)
                        break;
        }
        return r;
}

/* Every container in one list, less those labelled false and those no
 * push may reach: only those whose entry shows an image id get inspected. */
static int candidates_all(struct docker *d, const struct config *cfg, json_t *found)
{
        json_t *list = listing_get(d, "/containers/json?all=1", &(int){ 0 }), *c;
        size_t k;

        if (!list)
                return -EIO;
        json_array_foreach(list, k, c) {
                const json_t *labels = json_object_get(json_object_get(c, "Config"), "Labels");

                if (opted_in(cfg, labels) && !json_object_get(labels, "com.docker.swarm.task.id") &&
                    json_array_append(found, c) < 0) {
                        json_decref(list);
                        return -ENOMEM;
                }
        }
        json_decref(list);
        return match_resolve_moved(d, cfg, found);
}

/* Those carrying one of the enable labels (whatever its value), one
 * label-filtered list per label, each container once. */
static int candidates_labelled(struct docker *d, const struct config *cfg, json_t *found)
{
        json_t *seen = json_object();
        int r = seen ? 0 : -ENOMEM;

        for (size_t i = 0; r == 0 && policy_enable_labels[i]; i++) {
                char filter[128], path[512], *esc;
                json_t *list, *c;
                size_t k;

                snprintf(filter, sizeof(filter), "{\"label\":[\"%s\"]}", policy_enable_labels[i]);
                esc = docker_escape(d, filter);
                if (!esc) {
                        r = -ENOMEM;
                        break;
                }
                snprintf(path, sizeof(path), "/containers/json?all=1&filters=%s", esc);
                docker_free(esc);
                list = listing_get(d, path, &r);
                if (list && (r = match_resolve_moved(d, cfg, list)) < 0) {
                        json_decref(list);
                        break;
                }
                json_array_foreach(list, k, c) {
                        const char *id = json_string_value(json_object_get(c, "Id"));

                        if (!id || json_object_get(seen, id))
                                continue;       /* carries two of the labels */
                        json_object_set_new(seen, id, json_true());
                        if (json_array_append(found, c) < 0)
                                r = -ENOMEM;
                }
                json_decref(list);
        }
        json_decref(seen);
        return r;
}

json_t *match_candidates(struct docker *d, const struct config *cfg, int *err)
{
        json_t *found = json_array();
        int r = !found ? -ENOMEM : cfg->select_all ? candidates_all(d, cfg, found) : candidates_labelled(d, cfg, found);

        if (r < 0) {
                *err = r;
                json_decref(found);
                return NULL;
        }
        return found;
}

/* Why a container is not selected, as bits. */
enum {
        NOT_TEMPORARY = 1 << 0, /* redock's own -redock-new / -redock-old */
        NOT_TASK      = 1 << 1, /* a Swarm task's: its service is followed */
        NOT_OPTED_IN  = 1 << 2,
        NOT_IN_SCOPE  = 1 << 3,
        NOT_RUNNING   = 1 << 4,
};
#define NOT_NEAR (NOT_TEMPORARY | NOT_TASK | NOT_OPTED_IN)

static bool is_running(const json_t *ins)
{
        const json_t *state = json_object_get(ins, "State");

        /* no state known (an old summary): as before include-stopped */
        return !json_is_object(state) || json_is_true(json_object_get(state, "Running"));
}

static unsigned int selection(const struct config *cfg, const json_t *ins, const struct policy *pol)
{
        const json_t *labels = json_object_get(json_object_get(ins, "Config"), "Labels");
        const char *name = listing_name(ins);
        unsigned int bits = 0;

        if (!name || strstr(name, "-redock-new") || strstr(name, "-redock-old"))
                bits |= NOT_TEMPORARY;
        if (json_object_get(labels, "com.docker.swarm.task.id"))
                bits |= NOT_TASK;
        if (cfg->select_all ? pol->disabled : !pol->enabled)
                bits |= NOT_OPTED_IN;
        if (!policy_in_scope(pol, cfg->scope))
                bits |= NOT_IN_SCOPE;
        if (!cfg->include_stopped && !is_running(ins))
                bits |= NOT_RUNNING;
        return bits;
}

/* Append "; " and a reason to buf. */
static void add_reason(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_reason(char *buf, size_t size, const char *fmt, ...)
{
        size_t len = strlen(buf);
        va_list ap;

        if (len && len + 2 < size) {
                memcpy(buf + len, "; ", 3);
                len += 2;
        }
        if (len + 1 >= size)
                return;
        va_start(ap, fmt);
        vsnprintf(buf + len, size - len, fmt, ap);
        va_end(ap);
}

static void explain(const struct config *cfg, const json_t *ins, const struct policy *pol, unsigned int bits,
                    char *buf, size_t size)
{
        const char *status = json_string_value(json_object_get(json_object_get(ins, "State"), "Status"));

        if (bits & NOT_TEMPORARY)
                add_reason(buf, size, "it is one of redock's temporary containers");
        if (bits & NOT_TASK)
                add_reason(buf, size, "it is a Swarm task's container (its service is followed)");
        if ((bits & NOT_OPTED_IN) && cfg->select_all)
                add_reason(buf, size, "it is labelled not to be updated (enable label false)");
        else if (bits & NOT_OPTED_IN)
                add_reason(buf, size, "it is not opted in: label it redock.enable=true, or set select = all in [redock]");
        if ((bits & NOT_IN_SCOPE) && pol->scope && cfg->scope && *cfg->scope)
                add_reason(buf, size, "its scope is %s, not %s: set scope = %s in [redock]", pol->scope,
                           cfg->scope, pol->scope);
        else if ((bits & NOT_IN_SCOPE) && pol->scope)
                add_reason(buf, size, "its scope is %s and [redock] sets none: set scope = %s in [redock]",
                           pol->scope, pol->scope);
        else if (bits & NOT_IN_SCOPE)
                add_reason(buf, size, "it has no scope and [redock] sets scope = %s: label it redock.scope=%s, "
                           "or remove scope from [redock]", cfg->scope, cfg->scope);
        if (bits & NOT_RUNNING)
                add_reason(buf, size, "it is not running (%s): set include-stopped = yes in [redock]",
                           status ? status : "stopped");
}

bool match_selected(const struct config *cfg, const json_t *ins, char *why, size_t size)
{
        struct policy pol;
        unsigned int bits;

        policy_from_labels(json_object_get(json_object_get(ins, "Config"), "Labels"), &pol);
        bits = selection(cfg, ins, &pol);
        if (why && size) {
                why[0] = '\0';
                explain(cfg, ins, &pol, bits, why, size);
        }
        policy_free(&pol);
        return bits == 0;
}

/* Is host one of the aliases of a source whose registry is registry? */
static const struct source *alias_source(const struct config *cfg, const char *registry, const char *host)
{
        for (size_t i = 0; i < cfg->n_sources; i++) {
                const struct source *s = &cfg->sources[i];

                if (!s->registry || !s->registry[0] || !hostmap_same_host(s->registry, registry))
                        continue;
                for (size_t a = 0; a < s->n_aliases; a++)
                        if (hostmap_same_host(s->aliases[a], host))
                                return s;
        }
        return NULL;
}

/* Does ref name the pushed repository and tag on the pushed host, or on
 * an alias of it?  The alias names the same registry: the container
 * pulls the pushed image under that name. */
static bool ref_follows(const struct config *cfg, const struct imageref *ref, const struct push_event *ev)
{
        struct push_event as_alias;

        if (imageref_matches_push(ref, ev))
                return true;
        if (!ev->registry[0] || !alias_source(cfg, ev->registry, ref->registry))
                return false;
        as_alias = *ev;
        snprintf(as_alias.registry, sizeof(as_alias.registry), "%s", ref->registry);
        return imageref_matches_push(ref, &as_alias);
}

static int image_ref(const json_t *ins, struct imageref *ref)
{
        const char *image = json_string_value(json_object_get(json_object_get(ins, "Config"), "Image"));

        return image ? imageref_parse(image, ref) : -EINVAL;
}

bool match_follows_push(const struct config *cfg, const json_t *ins, const struct push_event *ev)
{
        struct imageref ref;

        return match_selected(cfg, ins, NULL, 0) && image_ref(ins, &ref) == 0 && ref_follows(cfg, &ref, ev);
}

enum match_miss match_near_miss(const struct config *cfg, const json_t *ins, const char *source,
                                const struct push_event *ev, char *why, size_t size)
{
        struct push_event any_host = *ev;
        struct imageref ref;
        struct policy pol;
        enum match_miss m = MATCH_UNRELATED;
        unsigned int bits;
        bool host_ok;

        why[0] = '\0';
        any_host.registry[0] = '\0';
        if (image_ref(ins, &ref) < 0 || !imageref_matches_push(&ref, &any_host))
                return MATCH_UNRELATED;
        policy_from_labels(json_object_get(json_object_get(ins, "Config"), "Labels"), &pol);
        bits = selection(cfg, ins, &pol);
        host_ok = ref_follows(cfg, &ref, ev);
        if (bits & NOT_NEAR)
                m = MATCH_UNRELATED;
        else if (host_ok && bits == 0)
                m = MATCH_FOLLOWS;
        else if (host_ok && bits == NOT_RUNNING)
                m = MATCH_STOPPED;
        else
                m = MATCH_NEAR;
        if (m == MATCH_STOPPED) {
                const char *status = json_string_value(json_object_get(json_object_get(ins, "State"), "Status"));
                snprintf(why, size, "%s", status ? status : "stopped");
        } else if (m == MATCH_NEAR) {
                if (!host_ok)
                        add_reason(why, size, "its image names host %s, not %s: set aliases = %s in [source %s], "
                                   "or match-host = any", ref.registry, ev->registry, ref.registry,
                                   source ? source : "NAME");
                explain(cfg, ins, &pol, bits, why, size);
        }
        policy_free(&pol);
        return m;
}

/* The source whose pushes this image follows (by host), or NULL. */
static const struct source *source_for(const struct config *cfg, const struct imageref *ref)
{
        for (size_t i = 0; i < cfg->n_sources; i++) {
                const struct source *s = &cfg->sources[i];

                /* no registry: the events keep their own host, any host */
                if (s->match_any_host || !s->registry || !s->registry[0] ||
                    hostmap_same_host(s->registry, ref->registry))
                        return s;
                for (size_t a = 0; a < s->n_aliases; a++)
                        if (hostmap_same_host(s->aliases[a], ref->registry))
                                return s;
        }
        return NULL;
}

bool match_describe(const struct config *cfg, const json_t *ins, char *buf, size_t size)
{
        const char *image = json_string_value(json_object_get(json_object_get(ins, "Config"), "Image"));
        const struct source *s = NULL;
        struct imageref ref;
        char why[1024];
        bool parsed = image && imageref_parse(image, &ref) == 0;

        match_selected(cfg, ins, why, sizeof(why));
        if (!parsed)
                add_reason(why, sizeof(why), "its image %s is not a reference redock can follow",
                           image ? image : "(none)");
        else if (ref.digest[0])
                add_reason(why, sizeof(why), "its image is pinned by digest");
        else if (cfg->n_sources == 0)
                add_reason(why, sizeof(why), "no [source] is configured");
        else if (!(s = source_for(cfg, &ref)) && cfg->n_sources == 1)
                add_reason(why, sizeof(why), "no source's registry is %s: set aliases = %s in [source %s], "
                           "or match-host = any", ref.registry, ref.registry, cfg->sources[0].name);
        else if (!s)
                add_reason(why, sizeof(why), "no source's registry is %s: set aliases = %s in the [source] "
                           "its pushes come from, or match-host = any", ref.registry, ref.registry);
        if (why[0] || !s) {
                snprintf(buf, size, "nothing: %s", why[0] ? why : "no source follows its image");
                return false;
        }
        snprintf(buf, size, "source %s", s->name);
        return true;
}

/* Does ref name ev's repository on ev's host (or an alias), whatever the tag? */
static bool same_repository(const struct config *cfg, const struct imageref *ref, const struct push_event *ev)
{
        struct push_event as_tag = *ev;

        snprintf(as_tag.tag, sizeof(as_tag.tag), "%s", ref->tag);
        return ref_follows(cfg, ref, &as_tag);
}

enum match_tag match_tag_push(const struct config *cfg, const json_t *ins, const struct push_event *ev,
                              const struct push_event *const *pass, size_t n, char *to_tag, size_t to_size,
                              char *why, size_t why_size)
{
        return match_tag_push_as(cfg, ins, ev, pass, n, NULL, NULL, to_tag, to_size, why, why_size);
}

enum match_tag match_tag_push_as(const struct config *cfg, const json_t *ins, const struct push_event *ev,
                                 const struct push_event *const *pass, size_t n, const char *policy_as,
                                 struct tagpolicy_cache *cache, char *to_tag, size_t to_size, char *why,
                                 size_t why_size)
{
        struct imageref ref;

        to_tag[0] = '\0';
        why[0] = '\0';
        if (!match_selected(cfg, ins, NULL, 0) || image_ref(ins, &ref) < 0)
                return MATCH_TAG_NONE;
        return match_tag_decide(cfg, &ref, json_object_get(json_object_get(ins, "Config"), "Labels"), ev, pass, n,
                                policy_as, cache, to_tag, to_size, why, why_size);
}

enum match_tag match_tag_decide(const struct config *cfg, const struct imageref *running, const json_t *labels,
                                const struct push_event *ev, const struct push_event *const *pass, size_t n,
                                const char *policy_as, struct tagpolicy_cache *cache, char *to_tag, size_t to_size,
                                char *why, size_t why_size)
{
        char err[256], **tags = NULL;
        const char *best;
        const struct tagpolicy *tp = NULL;
        struct tagpolicy own = { 0 };   /* parsed here, without a cache */
        struct policy pol;
        enum match_tag m = MATCH_TAG_NONE;
        size_t k = 0;
        int r;

        to_tag[0] = '\0';
        why[0] = '\0';
        if (!same_repository(cfg, running, ev))
                return MATCH_TAG_NONE;
        policy_from_labels(labels, &pol);
        r = cache ? tagpolicy_cache_get(cache, policy_as ? policy_as : pol.tag_policy, &tp, err, sizeof(err))
                  : -ENOMEM;
        if (r == -ENOMEM) {
                r = tagpolicy_parse(policy_as ? policy_as : pol.tag_policy, &own, err, sizeof(err));
                tp = &own;
        }
        if (r < 0 && policy_as) {
                snprintf(why, why_size, "left alone: its repository's pin %.80s is refused: %s", policy_as, err);
                m = MATCH_TAG_BAD_LABEL;
                goto out;
        }
        if (r < 0) {
                snprintf(why, why_size, "left alone: its label redock.policy=%.80s%s is refused: %s",
                         pol.tag_policy, strlen(pol.tag_policy) > 80 ? "..." : "", err);
                m = MATCH_TAG_BAD_LABEL;
                goto out;
        }
        tagpolicy_describe(tp, why, why_size);
        if (tp->kind == TAGPOLICY_DIGEST) {
                m = strcmp(running->tag, ev->tag) == 0 ? MATCH_TAG_SAME : MATCH_TAG_NONE;
                goto out;
        }
        /* the tags of this repository pushed in the pass */
        tags = calloc(n ? n : 1, sizeof(*tags));
        if (!tags)
                goto out;
        for (size_t i = 0; i < n; i++)
                if (same_repository(cfg, running, pass[i]))
                        tags[k++] = (char *)pass[i]->tag;
        best = tagpolicy_choose(tp, running->tag, tags, k, err, sizeof(err));
        if (best && strcmp(best, ev->tag) == 0) {
                snprintf(to_tag, to_size, "%s", best);
                m = MATCH_TAG_MOVE;
        } else if (!best && strcmp(running->tag, ev->tag) == 0 && tagpolicy_follows(tp, running->tag, ev->tag)) {
                m = MATCH_TAG_SAME;
        } else {
                char policy[TAGPOLICY_LABEL_MAX + 8], reason[512];

                tagpolicy_describe(tp, policy, sizeof(policy));
                if (best)
                        snprintf(reason, sizeof(reason), "it moves to %s, the best of this pass's pushes", best);
                else if (err[0])        /* the choice was refused as a whole */
                        snprintf(reason, sizeof(reason), "%s", err);
                else
                        tagpolicy_accepts(tp, running->tag, ev->tag, reason, sizeof(reason));
                snprintf(why, why_size, "stays on %s (%s): %s", running->tag, policy, reason);
                m = err[0] && !best ? MATCH_TAG_REFUSED : MATCH_TAG_STAYS;
        }
out:
        free(tags);
        tagpolicy_free(&own);
        policy_free(&pol);
        return m;
}

int match_retag(const char *image, const char *tag, char *out, size_t size)
{
        const char *slash, *colon;
        size_t keep;
        int n;

        if (!image || strchr(image, '@'))
                return -EINVAL;
        slash = strrchr(image, '/');
        colon = strrchr(image, ':');
        keep = colon && (!slash || colon > slash) ? (size_t)(colon - image) : strlen(image);
        n = snprintf(out, size, "%.*s:%s", (int)keep, image, tag);
        return n < 0 || (size_t)n >= size ? -E2BIG : 0;
}
