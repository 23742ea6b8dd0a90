/* swarm: the decisions taken on Swarm API replies (swarmspec.c), on
 * replies recorded from a real daemon (dockerd 20.10, API 1.41) in
 * tests/fixtures/docker/service-*.json. */
#include "check_main.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "swarmspec.h"

#define REG "127.0.0.1:25000"
#define OLD "sha256:237099159f57988c3903949c846979c2ae35457a2819499dfe9db7e15c7f2579"
#define NEW "sha256:5d3fb85e566ae5ce91eeb7ef9dccc0c5aa6399220a949e04b3b5069482c1c535"
#define BAD "sha256:083a72a7acd085cc87b4da2bd176efa12fb96fe24230d5bfe6450c7558e37a69"

static json_t *fixture(const char *name)
{
        char path[512];
        json_error_t err;
        json_t *j;

        snprintf(path, sizeof(path), "%s/docker/%s", FIXTURES, name);
        j = json_load_file(path, 0, &err);
        ck_assert_msg(j != NULL, "%s: %s", path, err.text);
        return j;
}

static enum swarm_pick pick(const char *name, const char *scope)
{
        json_t *s = fixture(name);
        enum swarm_pick p = swarm_service_pick(s, scope);

        json_decref(s);
        return p;
}

static struct push_event push(const char *registry, const char *repo, const char *tag)
{
        struct push_event ev;

        ck_assert_int_eq(push_event_set(&ev, registry, repo, tag, NULL, NULL, NULL), 0);
        return ev;
}

START_TEST(labels_on_the_service_or_its_containers)
{
        ck_assert_int_eq(pick("service-completed.json", NULL), SWARM_PICK_UPDATE);
        /* Watchtower's label, on the service */
        ck_assert_int_eq(pick("service-watchtower.json", NULL), SWARM_PICK_UPDATE);
        /* redock.enable and monitor-only on the container spec */
        ck_assert_int_eq(pick("service-monitor-only.json", NULL), SWARM_PICK_MONITOR);
        ck_assert_int_eq(pick("service-unlabelled.json", NULL), SWARM_PICK_NO);
}
END_TEST

START_TEST(scope)
{
        /* the service has redock.scope=other */
        ck_assert_int_eq(pick("service-scoped.json", NULL), SWARM_PICK_NO);
        ck_assert_int_eq(pick("service-scoped.json", ""), SWARM_PICK_NO);
        ck_assert_int_eq(pick("service-scoped.json", "other"), SWARM_PICK_UPDATE);
        ck_assert_int_eq(pick("service-scoped.json", "mine"), SWARM_PICK_NO);
        /* a service without a scope belongs to the instance without one */
        ck_assert_int_eq(pick("service-completed.json", "other"), SWARM_PICK_NO);
}
END_TEST

START_TEST(service_labels_win_over_container_labels)
{
        json_t *s = fixture("service-monitor-only.json");
        json_t *labels = json_object_get(json_object_get(s, "Spec"), "Labels");

        json_object_set_new(labels, "redock.monitor-only", json_string("false"));
        ck_assert_int_eq(swarm_service_pick(s, NULL), SWARM_PICK_UPDATE);
        json_object_set_new(labels, "redock.enable", json_string("false"));
        ck_assert_int_eq(swarm_service_pick(s, NULL), SWARM_PICK_NO);
        json_decref(s);
}
END_TEST

START_TEST(split)
{
        char name[128], digest[128];

        ck_assert_int_eq(swarm_image_split(REG "/sw/app:stable@" NEW, name, sizeof(name),
                                           digest, sizeof(digest)), 0);
        ck_assert_str_eq(name, REG "/sw/app:stable");
        ck_assert_str_eq(digest, NEW);
        ck_assert_int_eq(swarm_image_split(REG "/sw/app:stable", name, sizeof(name),
                                           digest, sizeof(digest)), 0);
        ck_assert_str_eq(name, REG "/sw/app:stable");
        ck_assert_str_eq(digest, "");
        /* too small for either part */
        ck_assert_int_eq(swarm_image_split(REG "/sw/app:stable@" NEW, name, 10, digest, sizeof(digest)),
                         -ENAMETOOLONG);
        ck_assert_int_eq(swarm_image_split(REG "/sw/app:stable@" NEW, name, sizeof(name), digest, 20),
                         -ENAMETOOLONG);
}
END_TEST

START_TEST(follows)
{
        struct push_event ev = push(REG, "sw/app", "stable");

        ck_assert(swarm_image_follows(REG "/sw/app:stable@" OLD, &ev));
        /* created with --no-resolve-image: no digest at all */
        ck_assert(swarm_image_follows(REG "/sw/app:stable", &ev));
        ck_assert(!swarm_image_follows(REG "/sw/app:other@" OLD, &ev));
        ck_assert(!swarm_image_follows(REG "/sw/other:stable@" OLD, &ev));
        ck_assert(!swarm_image_follows("127.0.0.1:25001/sw/app:stable@" OLD, &ev));
        /* the user's own pin: "repo@digest" without a tag */
        ck_assert(!swarm_image_follows(REG "/sw/app@" NEW, &ev));
        ck_assert(!swarm_image_follows("", &ev));

        ev = push("docker.io", "library/nginx", "latest");
        ck_assert(swarm_image_follows("nginx:latest@" OLD, &ev));
}
END_TEST

START_TEST(follows_recorded)
{
        struct push_event ev = push(REG, "sw/app", "stable");
        const char *names[] = { "service-completed.json", "service-watchtower.json", "service-pinned.json" };
        const bool want[] = { true, true, false };

        for (size_t i = 0; i < 3; i++) {
                json_t *s = fixture(names[i]);
                const char *img = json_string_value(json_object_get(json_object_get(json_object_get(
                        json_object_get(s, "Spec"), "TaskTemplate"), "ContainerSpec"), "Image"));

                ck_assert_ptr_nonnull(img);
                ck_assert_msg(swarm_image_follows(img, &ev) == want[i], "%s", names[i]);
                json_decref(s);
        }
}
END_TEST

START_TEST(with_digest)
{
        char out[256];

        ck_assert_int_eq(swarm_image_with_digest(REG "/sw/app:stable@" OLD, NEW, out, sizeof(out)), 0);
        ck_assert_str_eq(out, REG "/sw/app:stable@" NEW);
        ck_assert_int_eq(swarm_image_with_digest(REG "/sw/app:stable", NEW, out, sizeof(out)), 0);
        ck_assert_str_eq(out, REG "/sw/app:stable@" NEW);
        /* the spelling the user chose is kept */
        ck_assert_int_eq(swarm_image_with_digest("nginx:1.25@" OLD, NEW, out, sizeof(out)), 0);
        ck_assert_str_eq(out, "nginx:1.25@" NEW);
        ck_assert_int_eq(swarm_image_with_digest(REG "/sw/app:stable", NEW, out, 40), -ENAMETOOLONG);
}
END_TEST

static enum swarm_state state(const char *name, const char *want_message)
{
        json_t *s = fixture(name);
        const char *msg = NULL;
        enum swarm_state st = swarm_update_state(s, &msg);

        ck_assert_ptr_nonnull(msg);
        ck_assert_msg(strstr(msg, want_message) != NULL, "%s: message '%s'", name, msg);
        json_decref(s);
        return st;
}

START_TEST(update_states)
{
        ck_assert_int_eq(state("service-unlabelled.json", ""), SWARM_STATE_NONE);
        ck_assert_int_eq(state("service-updating.json", "update in progress"), SWARM_STATE_UPDATING);
        ck_assert_int_eq(state("service-completed.json", "update completed"), SWARM_STATE_COMPLETED);
        /* still rolling back: wait for the end */
        ck_assert_int_eq(state("service-rollback-started.json", "rolled back due to failure"),
                         SWARM_STATE_UPDATING);
        ck_assert_int_eq(state("service-rolled-back.json", "rollback completed"), SWARM_STATE_ROLLED_BACK);
        ck_assert_int_eq(state("service-paused.json", "update paused due to failure"), SWARM_STATE_PAUSED);
}
END_TEST

START_TEST(unknown_state_is_not_waited_for)
{
        json_t *s = json_pack("{s:{s:s}}", "UpdateStatus", "State", "something_new");

        ck_assert_int_eq(swarm_update_state(s, NULL), SWARM_STATE_PAUSED);
        json_decref(s);
}
END_TEST

static bool converged(const char *service, const char *tasks, const char *image)
{
        json_t *s = fixture(service), *t = fixture(tasks);
        bool c = swarm_tasks_converged(s, t, image);

        json_decref(s);
        json_decref(t);
        return c;
}

START_TEST(convergence)
{
        ck_assert(converged("service-completed.json", "service-tasks-completed.json",
                            REG "/sw/app:stable@" NEW));
        ck_assert(!converged("service-completed.json", "service-tasks-completed.json",
                             REG "/sw/app:stable@" OLD));
        /* stop-first: for a moment no task is running at all */
        ck_assert(!converged("service-updating.json", "service-tasks-updating.json",
                             REG "/sw/app:stable@" BAD));
        /* the rollback's task on the old image, not running yet */
        ck_assert(!converged("service-rollback-started.json", "service-tasks-rollback-started.json",
                             REG "/sw/app:stable@" OLD));
        /* two replicas wanted, one task left running the old image */
        ck_assert(!converged("service-paused.json", "service-tasks-paused.json",
                             REG "/sw/app:stable@" NEW));
}
END_TEST

START_TEST(budget)
{
        json_t *s = fixture("service-completed.json");
        json_t *uc;

        /* 1 replica, monitor 3 s: health 60 + margin 30 + one batch of 3 + 10 */
        ck_assert_int_eq(swarm_wait_budget(s, 60), 103);
        json_decref(s);

        /* 2 replicas one at a time, monitor 3 s, delay 2 s */
        s = fixture("service-paused.json");
        ck_assert_int_eq(swarm_wait_budget(s, 60), 60 + 30 + 2 * (3 + 2 + 10));
        /* Swarm's defaults when UpdateConfig says nothing: monitor 5 s */
        json_object_del(json_object_get(s, "Spec"), "UpdateConfig");
        ck_assert_int_eq(swarm_wait_budget(s, 60), 60 + 30 + 2 * (5 + 10));
        /* absurd values stay bounded */
        uc = json_pack("{s:I,s:I}", "Monitor", (json_int_t)INT64_MAX, "Parallelism", (json_int_t)0);
        json_object_set_new(json_object_get(s, "Spec"), "UpdateConfig", uc);
        ck_assert_int_eq(swarm_wait_budget(s, 60), 3600);
        json_decref(s);
}
END_TEST

/* The digest deployed is the registry's for the tag now; a job naming
 * another (stale, or forged to pin an old build) changes nothing. */
START_TEST(target_digest_is_the_registry_s)
{
        char out[DIGEST_MAX];

        ck_assert_int_eq(swarm_target_digest(NEW, NEW, out, sizeof(out)), 0);
        ck_assert_str_eq(out, NEW);
        ck_assert_int_eq(swarm_target_digest("", NEW, out, sizeof(out)), 0);
        ck_assert_str_eq(out, NEW);
        ck_assert_int_eq(swarm_target_digest(NULL, NEW, out, sizeof(out)), 0);
        out[0] = '\0';
        ck_assert_int_eq(swarm_target_digest(OLD, NEW, out, sizeof(out)), -ESTALE);
        ck_assert_str_eq(out, "");
        ck_assert_int_eq(swarm_target_digest(NEW, NULL, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(swarm_target_digest("", "latest", out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(swarm_target_digest("", "x:" NEW, out, sizeof(out)), -EINVAL);
        ck_assert_int_eq(swarm_target_digest(NEW, NEW, out, 10), -ENAMETOOLONG);
}
END_TEST

static Suite *swarm_suite(void)
{
        Suite *s = suite_create("swarm");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, labels_on_the_service_or_its_containers);
        tcase_add_test(tc, scope);
        tcase_add_test(tc, service_labels_win_over_container_labels);
        tcase_add_test(tc, split);
        tcase_add_test(tc, follows);
        tcase_add_test(tc, follows_recorded);
        tcase_add_test(tc, with_digest);
        tcase_add_test(tc, update_states);
        tcase_add_test(tc, unknown_state_is_not_waited_for);
        tcase_add_test(tc, convergence);
        tcase_add_test(tc, budget);
        tcase_add_test(tc, target_digest_is_the_registry_s);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(swarm_suite)
