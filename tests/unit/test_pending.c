/* pending: the approvals table in a fresh state database per test. */
#include "check_main.h"

#include <errno.h>
#include <linux/limits.h>   /* PATH_MAX */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "pending.h"
#include "state.h"
#include "strutil.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static char dir[PATH_MAX];
static struct state *st;

static void setup(void)
{
        const char *tmp = getenv("TMPDIR");

        snprintf(dir, sizeof(dir), "%s/redock-pending-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        ck_assert_int_eq(state_open(dir, &st), 0);
}

static void teardown(void)
{
        state_close(st);
        rm_tree(dir);
}

static struct pending_item change(const char *target, const char *digest)
{
        struct pending_item it;

        memset(&it, 0, sizeof(it));
        str_copy(it.target, sizeof(it.target), target);
        str_copy(it.source, sizeof(it.source), "registry");
        str_copy(it.registry, sizeof(it.registry), "127.0.0.1:5000");
        str_copy(it.repository, sizeof(it.repository), "team/app");
        str_copy(it.tag, sizeof(it.tag), "stable");
        str_copy(it.to_ref, sizeof(it.to_ref), "127.0.0.1:5000/team/app:stable");
        str_copy(it.from_image, sizeof(it.from_image), "127.0.0.1:5000/team/app:stable");
        str_copy(it.to_digest, sizeof(it.to_digest), digest);
        return it;
}

static int count_rows(const struct pending_item *it, void *userdata)
{
        (void)it;
        ++*(int *)userdata;
        return 0;
}

/* A row is added waiting, found by target and digest, and by id. */
START_TEST(add_and_find)
{
        struct pending_item it = change("app", D1), got;
        long long older[4], n_waiting = -1;
        size_t n = 9;

        ck_assert_int_eq(pending_add(st, &it, older, 4, &n), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_gt(it.id, 0);
        ck_assert_str_eq(it.state, "waiting");
        ck_assert_int_le(llabs(it.since - (long long)time(NULL)), 5);
        ck_assert_int_eq(pending_lookup(st, "app", D1, &got), 1);
        ck_assert_int_eq(got.id, it.id);
        ck_assert_str_eq(got.state, "waiting");
        ck_assert_str_eq(got.to_ref, "127.0.0.1:5000/team/app:stable");
        ck_assert_str_eq(got.from_digest, "");  /* NULL in the table */
        ck_assert_int_eq(pending_lookup(st, "app", D2, &got), 0);
        ck_assert_int_eq(pending_lookup(st, "other", D1, &got), 0);
        ck_assert_int_eq(pending_get(st, it.id, &got), 1);
        ck_assert_str_eq(got.target, "app");
        ck_assert_int_eq(pending_get(st, it.id + 1, &got), 0);
        ck_assert_int_eq(pending_count(st, &n_waiting), 0);
        ck_assert_int_eq(n_waiting, 1);
}
END_TEST

/* A newer change of a container supersedes its waiting one, not
 * another container's; decide moves only from the state named. */
START_TEST(supersede_and_decide)
{
        struct pending_item a = change("app", D1), b = change("app", D2), c = change("db", D1), got;
        long long older[4], waiting = 0;
        size_t n = 0;

        ck_assert_int_eq(pending_add(st, &a, older, 4, &n), 0);
        ck_assert_int_eq(pending_add(st, &c, older, 4, &n), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(pending_add(st, &b, older, 4, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(older[0], a.id);
        ck_assert_int_eq(pending_get(st, a.id, &got), 1);
        ck_assert_str_eq(got.state, "superseded");
        ck_assert_int_eq(pending_get(st, c.id, &got), 1);
        ck_assert_str_eq(got.state, "waiting");
        ck_assert_int_eq(pending_count(st, &waiting), 0);
        ck_assert_int_eq(waiting, 2);

        ck_assert_int_eq(pending_decide(st, a.id, "waiting", "approved"), 0);   /* superseded */
        ck_assert_int_eq(pending_decide(st, b.id, "waiting", "rejected"), 1);
        ck_assert_int_eq(pending_decide(st, b.id, "waiting", "approved"), 0);
        ck_assert_int_eq(pending_get(st, b.id, &got), 1);
        ck_assert_str_eq(got.state, "rejected");
        ck_assert_int_eq(pending_decide(st, 999, "waiting", "approved"), 0);
        /* the newest row for a target and digest wins */
        ck_assert_int_eq(pending_lookup(st, "app", D2, &got), 1);
        ck_assert_str_eq(got.state, "rejected");
}
END_TEST

/* Expiry drops old waiting rows and old done or superseded ones, never
 * a rejected one; ids are not given again. */
START_TEST(expire)
{
        struct pending_item a = change("app", D1), b = change("web", D1), c = change("db", D1), d;
        long long older[4], now = (long long)time(NULL);
        size_t n = 0;
        int rows = 0;

        ck_assert_int_eq(pending_add(st, &a, older, 4, &n), 0);
        ck_assert_int_eq(pending_add(st, &b, older, 4, &n), 0);
        ck_assert_int_eq(pending_add(st, &c, older, 4, &n), 0);
        ck_assert_int_eq(pending_decide(st, b.id, "waiting", "rejected"), 1);
        ck_assert_int_eq(pending_decide(st, c.id, "waiting", "approved"), 1);
        ck_assert_int_eq(pending_decide(st, c.id, "approved", "done"), 1);
        /* nothing is older than a day yet */
        ck_assert_int_eq(pending_expire(st, now, 86400), 0);
        ck_assert_int_eq(pending_each(st, NULL, count_rows, &rows), 0);
        ck_assert_int_eq(rows, 3);
        /* a day later: the waiting and the done one go */
        ck_assert_int_eq(pending_expire(st, now + 86401, 86400), 1);
        rows = 0;
        ck_assert_int_eq(pending_each(st, NULL, count_rows, &rows), 0);
        ck_assert_int_eq(rows, 1);
        ck_assert_int_eq(pending_lookup(st, "web", D1, &d), 1);
        ck_assert_str_eq(d.state, "rejected");
        d = change("app", D1);
        ck_assert_int_eq(pending_add(st, &d, older, 4, &n), 0);
        ck_assert_int_gt(d.id, c.id);
}
END_TEST

/* The path after "/pending/": n and n+1 digits, each refusal's kind. */
START_TEST(path_parse)
{
        const char *action = "unset";
        long long id = 0;

        ck_assert_int_eq(pending_path_parse("3", &id, &action), 0);
        ck_assert_int_eq(id, 3);
        ck_assert_ptr_null(action);
        ck_assert_int_eq(pending_path_parse("12/approve", &id, &action), 0);
        ck_assert_int_eq(id, 12);
        ck_assert_str_eq(action, "approve");
        ck_assert_int_eq(pending_path_parse("999999999999999999/reject", &id, &action), 0);
        ck_assert_int_eq(id, 999999999999999999LL);
        ck_assert_str_eq(action, "reject");
        id = 5;
        action = "unset";
        ck_assert_int_eq(pending_path_parse("1000000000000000000/reject", &id, &action), -EINVAL);
        ck_assert_int_eq(pending_path_parse("", &id, &action), -EINVAL);
        ck_assert_int_eq(pending_path_parse("0", &id, &action), -EINVAL);
        ck_assert_int_eq(pending_path_parse("07/approve", &id, &action), -EINVAL);
        ck_assert_int_eq(pending_path_parse("-3/approve", &id, &action), -EINVAL);
        ck_assert_int_eq(pending_path_parse("x1/approve", &id, &action), -EINVAL);
        ck_assert_int_eq(pending_path_parse("3/apply", &id, &action), -ENOENT);
        ck_assert_int_eq(pending_path_parse("3/approve/", &id, &action), -ENOENT);
        ck_assert_int_eq(pending_path_parse("3/", &id, &action), -ENOENT);
        ck_assert_int_eq(id, 5);        /* untouched on failure */
        ck_assert_str_eq(action, "unset");
}
END_TEST

static Suite *pending_suite(void)
{
        Suite *s = suite_create("pending");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, add_and_find);
        tcase_add_test(tc, supersede_and_decide);
        tcase_add_test(tc, expire);
        tcase_add_test(tc, path_parse);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(pending_suite)
