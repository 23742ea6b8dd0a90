/* match: which containers a push reaches and why the others do not
 * (issue 15), on a recorded inspect object (fixtures/docker/
 * container-none.json) and list entries, each case changing only the
 * image, labels, name or state it is about. */
#include "check_main.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bounds.h"
#include "config.h"
#include "event.h"
#include "listing.h"
#include "match.h"
#include "swarmspec.h"

#define REG "127.0.0.1:5000"

static struct config cfg;
static char path[64];

static void load(const char *text)
{
        FILE *f;

        strcpy(path, "/tmp/redock-match-XXXXXX");
        ck_assert_int_ge(mkstemp(path), 0);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(config_load(path, &cfg, stderr), 0);
        unlink(path);
}

#define SOURCE "[source registry]\ntoken = t\nregistry = " REG "\n"

static void teardown(void)
{
        config_free(&cfg);
}

/* The recorded container, with image and labels (NULL-ended name, value
 * pairs) set, and state "running" or another status. */
static json_t *container(const char *name, const char *image, const char *state, ...)
{
        char p[512];
        json_error_t e;
        json_t *c, *labels = json_object();
        const char *k;
        va_list ap;

        snprintf(p, sizeof(p), "%s/docker/container-none.json", FIXTURES);
        c = json_load_file(p, 0, &e);
        ck_assert_ptr_nonnull(c);
        va_start(ap, state);
        while ((k = va_arg(ap, const char *)))
                json_object_set_new(labels, k, json_string(va_arg(ap, const char *)));
        va_end(ap);
        json_object_set_new(c, "Name", json_string(name));
        json_object_set_new(json_object_get(c, "Config"), "Image", json_string(image));
        json_object_set_new(json_object_get(c, "Config"), "Labels", labels);
        json_object_set_new(json_object_get(c, "State"), "Status", json_string(state));
        json_object_set_new(json_object_get(c, "State"), "Running", json_boolean(!strcmp(state, "running")));
        return c;
}

static void describes(const json_t *c, bool followed, const char *want)
{
        char buf[1100];

        ck_assert_int_eq(match_describe(&cfg, c, buf, sizeof(buf)), followed);
        ck_assert_str_eq(buf, want);
}

static struct push_event push(const char *registry, const char *repo, const char *tag)
{
        struct push_event ev;

        ck_assert_int_eq(push_event_set(&ev, registry, repo, tag, NULL, NULL, NULL), 0);
        return ev;
}

START_TEST(labelled_running_is_followed)
{
        json_t *c = container("/app", REG "/team/app:stable", "running", "redock.enable", "true", NULL);
        struct push_event ev = push(REG, "team/app", "stable"), other = push(REG, "team/app", "beta");

        load(SOURCE);
        describes(c, true, "source registry");
        ck_assert(match_selected(&cfg, c, NULL, 0));
        ck_assert(match_follows_push(&cfg, c, &ev));
        ck_assert(!match_follows_push(&cfg, c, &other));
        json_decref(c);
}
END_TEST

START_TEST(other_host_names_the_alias)
{
        json_t *c = container("/app", "localhost:5000/team/app:stable", "running", "redock.enable", "true", NULL);
        struct push_event ev = push(REG, "team/app", "stable");
        char why[1024];

        load(SOURCE);
        describes(c, false, "nothing: no source's registry is localhost:5000: set aliases = localhost:5000 in "
                            "[source registry], or match-host = any");
        ck_assert(!match_follows_push(&cfg, c, &ev));
        ck_assert_int_eq(match_near_miss(&cfg, c, "registry", &ev, why, sizeof(why)), MATCH_NEAR);
        ck_assert_str_eq(why, "its image names host localhost:5000, not " REG ": set aliases = localhost:5000 in "
                              "[source registry], or match-host = any");
        json_decref(c);
}
END_TEST

/* what the hint says to set makes it follow */
START_TEST(alias_set_follows)
{
        json_t *c = container("/app", "localhost:5000/team/app:stable", "running", "redock.enable", "true", NULL);
        struct push_event ev = push(REG, "team/app", "stable");
        char why[1024];

        load(SOURCE "aliases = localhost:5000\n");
        describes(c, true, "source registry");
        ck_assert(match_follows_push(&cfg, c, &ev));
        ck_assert_int_eq(match_near_miss(&cfg, c, "registry", &ev, why, sizeof(why)), MATCH_FOLLOWS);
        json_decref(c);
}
END_TEST

START_TEST(match_host_any_follows)
{
        json_t *c = container("/app", "localhost:5000/team/app:stable", "running", "redock.enable", "true", NULL);
        struct push_event ev = push("", "team/app", "stable");

        load("[source registry]\ntoken = t\nmatch-host = any\n");
        describes(c, true, "source registry");
        ck_assert(match_follows_push(&cfg, c, &ev));
        json_decref(c);
}
END_TEST

START_TEST(scope_near_misses)
{
        json_t *blue = container("/blue", REG "/team/app:stable", "running", "redock.enable", "true",
                                 "redock.scope", "blue", NULL);
        json_t *none = container("/none", REG "/team/app:stable", "running", "redock.enable", "true", NULL);
        struct push_event ev = push(REG, "team/app", "stable");
        char why[1024];

        load(SOURCE);
        describes(blue, false, "nothing: its scope is blue and [redock] sets none: set scope = blue in [redock]");
        ck_assert_int_eq(match_near_miss(&cfg, blue, "registry", &ev, why, sizeof(why)), MATCH_NEAR);
        ck_assert_str_eq(why, "its scope is blue and [redock] sets none: set scope = blue in [redock]");
        config_free(&cfg);

        load("[redock]\nscope = green\n" SOURCE);
        describes(blue, false, "nothing: its scope is blue, not green: set scope = blue in [redock]");
        describes(none, false, "nothing: it has no scope and [redock] sets scope = green: label it "
                               "redock.scope=green, or remove scope from [redock]");
        ck_assert(!match_follows_push(&cfg, none, &ev));
        json_decref(blue);
        json_decref(none);
}
END_TEST

START_TEST(stopped_left_alone_unless_asked)
{
        json_t *c = container("/app", REG "/team/app:stable", "exited", "redock.enable", "true", NULL);
        struct push_event ev = push(REG, "team/app", "stable");
        char why[1024];

        load(SOURCE);
        describes(c, false, "nothing: it is not running (exited): set include-stopped = yes in [redock]");
        ck_assert(!match_follows_push(&cfg, c, &ev));
        ck_assert_int_eq(match_near_miss(&cfg, c, "registry", &ev, why, sizeof(why)), MATCH_STOPPED);
        ck_assert_str_eq(why, "exited");
        config_free(&cfg);

        load("[redock]\ninclude-stopped = yes\n" SOURCE);
        describes(c, true, "source registry");
        ck_assert(match_follows_push(&cfg, c, &ev));
        json_decref(c);
}
END_TEST

START_TEST(select_all)
{
        json_t *plain = container("/plain", REG "/team/app:stable", "running", NULL);
        json_t *off = container("/off", REG "/team/app:stable", "running", "redock.enable", "false", NULL);
        json_t *wt = container("/wt", REG "/team/app:stable", "running",
                               "com.centurylinklabs.watchtower.enable", "false", NULL);
        struct push_event ev = push(REG, "team/app", "stable");
        char why[1024];

        load(SOURCE);
        describes(plain, false, "nothing: it is not opted in: label it redock.enable=true, or set select = all "
                                "in [redock]");
        /* not opted in is no near miss: most containers are not */
        ck_assert_int_eq(match_near_miss(&cfg, plain, "registry", &ev, why, sizeof(why)), MATCH_UNRELATED);
        config_free(&cfg);

        load("[redock]\nselect = all\n" SOURCE);
        describes(plain, true, "source registry");
        ck_assert(match_follows_push(&cfg, plain, &ev));
        describes(off, false, "nothing: it is labelled not to be updated (enable label false)");
        describes(wt, false, "nothing: it is labelled not to be updated (enable label false)");
        ck_assert(!match_follows_push(&cfg, off, &ev));
        ck_assert(!match_follows_push(&cfg, wt, &ev));
        json_decref(plain);
        json_decref(off);
        json_decref(wt);
}
END_TEST

START_TEST(never_followed)
{
        json_t *tmp = container("/app-redock-new", REG "/team/app:stable", "running", "redock.enable", "true", NULL);
        json_t *task = container("/svc.1.x", REG "/team/app:stable", "running", "redock.enable", "true",
                                 "com.docker.swarm.task.id", "x", NULL);
        json_t *pinned = container("/pinned", REG "/team/app:stable@sha256:"
                                   "4bcdffd70da292293d059d2435c7056711fab2655f8b74f48ad0abe042b63687",
                                   "running", "redock.enable", "true", NULL);
        struct push_event ev = push(REG, "team/app", "stable");

        load("[redock]\nselect = all\n" SOURCE);
        describes(tmp, false, "nothing: it is one of redock's temporary containers");
        describes(task, false, "nothing: it is a Swarm task's container (its service is followed)");
        describes(pinned, false, "nothing: its image is pinned by digest");
        ck_assert(!match_follows_push(&cfg, tmp, &ev));
        ck_assert(!match_follows_push(&cfg, task, &ev));
        ck_assert(!match_follows_push(&cfg, pinned, &ev));
        json_decref(tmp);
        json_decref(task);
        json_decref(pinned);
}
END_TEST

/* a list entry as GET /containers/json has it: its State string becomes
 * State.Running, as inspect has it */
#define ENTRY "{\"Id\":\"%s\",\"Names\":[\"/app\"],\"Image\":\"" REG "/team/app:stable\"," \
              "\"ImageID\":\"sha256:aa\",\"State\":\"%s\",\"Labels\":{\"redock.enable\":\"true\"}}"
START_TEST(list_summary)
{
        const char *states[] = { "running", "paused", "exited", "created" };
        const bool followed[] = { true, true, false, false };
        json_t *arr = json_array();

        load(SOURCE);
        for (size_t i = 0; i < 4; i++) {
                char text[512], buf[1100];
                json_t *c;

                snprintf(text, sizeof(text), ENTRY, "0123", states[i]);
                c = json_loads(text, 0, NULL);
                ck_assert_ptr_nonnull(c);
                ck_assert_int_eq(json_array_append_new(arr, listing_summary(c)), 0);
                ck_assert_int_eq(match_describe(&cfg, json_array_get(arr, i), buf, sizeof(buf)), followed[i]);
                json_decref(c);
        }
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(arr, 2), "Config"),
                                                           "Image")), REG "/team/app:stable");
        json_decref(arr);
}
END_TEST

/* Tag policies: which push of a pass each container moves to.  Each
 * answer also asked through the pass's cache of parsed policies (as the
 * drain asks): the same answer, however often a policy was parsed. */
static struct tagpolicy_cache tag_cache;

static enum match_tag tag_push(const json_t *c, const struct push_event *ev, const struct push_event *const *pass,
                               size_t n, char *to, char *why)
{
        char to_cached[TAG_MAX], why_cached[1024];
        enum match_tag m = match_tag_push(&cfg, c, ev, pass, n, to, TAG_MAX, why, 1024);

        ck_assert_int_eq(match_tag_push_as(&cfg, c, ev, pass, n, NULL, &tag_cache, to_cached, sizeof(to_cached),
                                           why_cached, sizeof(why_cached)), m);
        ck_assert_str_eq(to_cached, to);
        ck_assert_str_eq(why_cached, why);
        return m;
}

START_TEST(tag_policy_moves)
{
        json_t *minor = container("/m", REG "/team/app:1.2.0", "running", "redock.enable", "true",
                                  "redock.policy", "semver-minor", NULL);
        json_t *plain = container("/p", REG "/team/app:1.2.0", "running", "redock.enable", "true", NULL);
        struct push_event v13 = push(REG, "team/app", "1.3.0"), v20 = push(REG, "team/app", "2.0.0"),
                          v12 = push(REG, "team/app", "1.2.0"), v125 = push(REG, "team/app", "1.2.5"),
                          other = push(REG, "team/other", "1.3.0");
        const struct push_event *pass[] = { &v125, &v13, &v20, &v12, &other };
        char to[TAG_MAX], why[1024];

        load(SOURCE);
        ck_assert_int_eq(tag_push(minor, &v13, pass, 5, to, why), MATCH_TAG_MOVE);
        ck_assert_str_eq(to, "1.3.0");
        ck_assert_str_eq(why, "semver-minor");
        ck_assert_int_eq(tag_push(minor, &v20, pass, 5, to, why), MATCH_TAG_STAYS);
        ck_assert_str_eq(why, "stays on 1.2.0 (semver-minor): it moves to 1.3.0, the best of this pass's pushes");
        ck_assert_int_eq(tag_push(minor, &v12, pass, 5, to, why), MATCH_TAG_STAYS);
        ck_assert_int_eq(tag_push(minor, &other, pass, 5, to, why), MATCH_TAG_NONE);
        /* alone in its pass */
        ck_assert_int_eq(tag_push(minor, &v20, (const struct push_event *[]){ &v20 }, 1, to, why), MATCH_TAG_STAYS);
        ck_assert_str_eq(why, "stays on 1.2.0 (semver-minor): 2.0.0 is a new major version (semver-minor takes "
                              "1.x.x only)");
        ck_assert_str_eq(to, "");
        /* a new digest of the tag it runs, no move in the pass */
        ck_assert_int_eq(tag_push(minor, &v12, (const struct push_event *[]){ &v12, &v20 }, 2, to, why),
                         MATCH_TAG_SAME);
        /* digest: today's behaviour */
        ck_assert_int_eq(tag_push(plain, &v12, pass, 5, to, why), MATCH_TAG_SAME);
        ck_assert_int_eq(tag_push(plain, &v13, pass, 5, to, why), MATCH_TAG_NONE);
        ck_assert_uint_eq(tag_cache.n, 2);     /* semver-minor and digest, each parsed once */
        tagpolicy_cache_free(&tag_cache);
        json_decref(minor);
        json_decref(plain);
}
END_TEST

START_TEST(tag_policy_refusals)
{
        json_t *bad = container("/b", REG "/team/app:1.2.0", "running", "redock.enable", "true",
                                "redock.policy", "semver", NULL);
        json_t *glob = container("/g", REG "/team/app:1.2.0", "running", "redock.enable", "true",
                                 "redock.policy", "glob:1.*", NULL);
        json_t *off = container("/o", REG "/team/app:1.2.0", "running", "redock.policy", "semver-major", NULL);
        struct push_event v1x = push(REG, "team/app", "1.x"), v13 = push(REG, "team/app", "1.3.0");
        char to[TAG_MAX], why[1024];

        load(SOURCE);
        ck_assert_int_eq(tag_push(bad, &v13, (const struct push_event *[]){ &v13 }, 1, to, why),
                         MATCH_TAG_BAD_LABEL);
        ck_assert_str_eq(why, "left alone: its label redock.policy=semver is refused: not a policy: write digest, "
                              "semver-patch, semver-minor, semver-major, glob:PATTERN, regexp:RE or pin:TAG");
        ck_assert_int_eq(tag_push(glob, &v1x, (const struct push_event *[]){ &v1x, &v13 }, 2, to, why),
                         MATCH_TAG_REFUSED);
        ck_assert_str_eq(why, "stays on 1.2.0 (glob:1.*): 1.x matches glob:1.* but is not a version "
                              "(MAJOR.MINOR.PATCH, v optional): glob:1.* orders the tags it matches by version");
        ck_assert_int_eq(tag_push(glob, &v13, (const struct push_event *[]){ &v13 }, 1, to, why), MATCH_TAG_MOVE);
        /* not opted in: nothing at all */
        ck_assert_int_eq(tag_push(off, &v13, (const struct push_event *[]){ &v13 }, 1, to, why), MATCH_TAG_NONE);
        tagpolicy_cache_free(&tag_cache);
        json_decref(bad);
        json_decref(glob);
        json_decref(off);
}
END_TEST

/* A Swarm service follows tags by the same decision (swarm.c): its image
 * with the digest Swarm pinned, its labels merged (the service's over its
 * container spec's). */
START_TEST(tag_policy_service)
{
        json_t *svc = json_pack("{s:{s:{s:s,s:s},s:{s:{s:s,s:{s:s}}}}}", "Spec", "Labels", "redock.enable", "true",
                                "redock.policy", "semver-minor", "TaskTemplate", "ContainerSpec", "Image",
                                REG "/team/app:1.2.0@sha256:5d3fb85e566ae5ce91eeb7ef9dccc0c5aa6399220a949e04b3b5069482c1c535",
                                "Labels", "redock.policy", "semver-major");
        json_t *labels;
        struct push_event v13 = push(REG, "team/app", "1.3.0"), v20 = push(REG, "team/app", "2.0.0"),
                          v12 = push(REG, "team/app", "1.2.0");
        const struct push_event *pass[] = { &v13, &v20 };
        struct imageref ref;
        char to[TAG_MAX], why[1024];

        load(SOURCE);
        ck_assert_ptr_nonnull(svc);
        labels = swarm_service_labels(svc);
        ck_assert_str_eq(json_string_value(json_object_get(labels, "redock.policy")), "semver-minor");
        ck_assert_int_eq(swarm_image_ref(json_string_value(json_object_get(json_object_get(json_object_get(
                json_object_get(svc, "Spec"), "TaskTemplate"), "ContainerSpec"), "Image")), &ref), 0);
        ck_assert_str_eq(ref.tag, "1.2.0");
        ck_assert_int_eq(match_tag_decide(&cfg, &ref, labels, &v13, pass, 2, NULL, NULL, to, TAG_MAX, why, 1024),
                         MATCH_TAG_MOVE);
        ck_assert_str_eq(to, "1.3.0");
        ck_assert_int_eq(match_tag_decide(&cfg, &ref, labels, &v20, (const struct push_event *[]){ &v20 }, 1, NULL, NULL,
                                          to, TAG_MAX, why, 1024), MATCH_TAG_STAYS);
        ck_assert_str_eq(why, "stays on 1.2.0 (semver-minor): 2.0.0 is a new major version (semver-minor takes "
                              "1.x.x only)");
        /* the API's pin rules over the label */
        ck_assert_int_eq(match_tag_decide(&cfg, &ref, labels, &v13, pass, 2, "pin:1.2.0", NULL, to, TAG_MAX, why, 1024),
                         MATCH_TAG_STAYS);
        ck_assert_int_eq(match_tag_decide(&cfg, &ref, labels, &v12, (const struct push_event *[]){ &v12 }, 1,
                                          "pin:1.2.0", NULL, to, TAG_MAX, why, 1024), MATCH_TAG_SAME);
        /* pinned by its user (no tag): never follows */
        ck_assert_int_eq(swarm_image_ref(REG "/team/app@sha256:5d3fb85e566ae5ce91eeb7ef9dccc0c5aa6399220a949e04b3b5069482c1c535",
                                         &ref), -EINVAL);
        json_decref(labels);
        json_decref(svc);
}
END_TEST

START_TEST(retag)
{
        char out[IMAGE_REF_MAX];

        ck_assert_int_eq(match_retag(REG "/team/app:1.2.0", "1.3.0", out, sizeof(out)), 0);
        ck_assert_str_eq(out, REG "/team/app:1.3.0");
        ck_assert_int_eq(match_retag(REG "/team/app", "1.3.0", out, sizeof(out)), 0);
        ck_assert_str_eq(out, REG "/team/app:1.3.0");
        ck_assert_int_eq(match_retag("nginx", "1.25.3", out, sizeof(out)), 0);
        ck_assert_str_eq(out, "nginx:1.25.3");
        ck_assert_int_eq(match_retag("nginx@sha256:00", "1", out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(match_retag(REG "/a:1", "2", out, 10), -E2BIG);
}
END_TEST

static Suite *match_suite(void)
{
        Suite *s = suite_create("match");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, NULL, teardown);
        tcase_add_test(tc, labelled_running_is_followed);
        tcase_add_test(tc, other_host_names_the_alias);
        tcase_add_test(tc, alias_set_follows);
        tcase_add_test(tc, match_host_any_follows);
        tcase_add_test(tc, scope_near_misses);
        tcase_add_test(tc, stopped_left_alone_unless_asked);
        tcase_add_test(tc, select_all);
        tcase_add_test(tc, never_followed);
        tcase_add_test(tc, list_summary);
        tcase_add_test(tc, tag_policy_moves);
        tcase_add_test(tc, tag_policy_refusals);
        tcase_add_test(tc, tag_policy_service);
        tcase_add_test(tc, retag);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(match_suite)
