/* repos: the API's per-repository settings (a fresh database per test),
 * the drain's in-memory look-up, and the URL's repository paths. */
#include "check_main.h"

#include <errno.h>
#include <linux/limits.h>   /* PATH_MAX */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "event.h"
#include "repos.h"
#include "state.h"

static char dir[PATH_MAX];

static void setup(void)
{
        const char *tmp = getenv("TMPDIR");

        snprintf(dir, sizeof(dir), "%s/redock-repos-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
        rm_tree(dir);
}

static struct state *open_state(void)
{
        struct state *st = NULL;

        ck_assert_int_eq(state_open(dir, &st), 0);
        return st;
}

START_TEST(no_row_is_no_pin)
{
        struct state *st = open_state();
        struct repo_row row;

        ck_assert_int_eq(repos_get(st, "127.0.0.1:5000/team/app", &row), 0);
        state_close(st);
}
END_TEST

START_TEST(set_changes_only_what_is_given)
{
        struct state *st = open_state();
        struct repo_row row;

        ck_assert_int_eq(repos_set(st, "r:1/a", "v2", true, -1), 0);
        ck_assert_int_eq(repos_get(st, "r:1/a", &row), 1);
        ck_assert_str_eq(row.pinned_tag, "v2");
        ck_assert(row.auto_deploy);             /* the default */
        ck_assert_int_eq(repos_set(st, "r:1/a", NULL, false, 0), 0);
        ck_assert_int_eq(repos_get(st, "r:1/a", &row), 1);
        ck_assert_str_eq(row.pinned_tag, "v2"); /* kept */
        ck_assert(!row.auto_deploy);
        ck_assert_int_eq(repos_set(st, "r:1/a", NULL, true, 1), 0);
        ck_assert_int_eq(repos_get(st, "r:1/a", &row), 1);
        ck_assert_str_eq(row.pinned_tag, "");   /* dropped */
        ck_assert(row.auto_deploy);
        state_close(st);
}
END_TEST

static int count_moved(const char *container, const char *old_image, void *userdata)
{
        char *out = userdata;

        strcat(out, container);
        strcat(out, "=");
        strcat(out, old_image);
        strcat(out, ";");
        return 0;
}

START_TEST(moved_keeps_the_first_reference)
{
        struct state *st = open_state();
        char seen[256] = "";

        ck_assert_int_eq(repos_moved_add(st, "r:1/a", "app", "r:1/a:v1"), 0);
        ck_assert_int_eq(repos_moved_add(st, "r:1/a", "app", "r:1/a:v2"), 0);   /* a second pin */
        ck_assert_int_eq(repos_moved_add(st, "r:1/b", "other", "r:1/b:x"), 0);
        ck_assert_int_eq(repos_each_moved(st, "r:1/a", count_moved, seen), 0);
        ck_assert_str_eq(seen, "app=r:1/a:v1;");
        ck_assert_int_eq(repos_moved_drop(st, "r:1/a", "app"), 0);
        seen[0] = '\0';
        ck_assert_int_eq(repos_each_moved(st, "r:1/a", count_moved, seen), 0);
        ck_assert_str_eq(seen, "");
        state_close(st);
}
END_TEST

START_TEST(cache_finds_a_push)
{
        struct state *st = open_state();
        struct repos_cache c;
        struct push_event ev;

        ck_assert_int_eq(repos_set(st, "r:1/team/app", "v3", true, 0), 0);
        ck_assert_int_eq(repos_set(st, "r:1/team/other", NULL, false, 1), 0);
        ck_assert_int_eq(repos_load(st, &c), 0);
        ck_assert_uint_eq(c.n, 2);
        ck_assert_int_eq(push_event_set(&ev, "r:1", "team/app", "v1", NULL, NULL, NULL), 0);
        ck_assert_ptr_nonnull(repos_find(&c, NULL, &ev));
        ck_assert_str_eq(repos_find(&c, NULL, &ev)->pinned_tag, "v3");
        ck_assert(!repos_find(&c, NULL, &ev)->auto_deploy);
        /* another host is another repository */
        ck_assert_int_eq(push_event_set(&ev, "r:2", "team/app", "v1", NULL, NULL, NULL), 0);
        ck_assert_ptr_null(repos_find(&c, NULL, &ev));
        /* match-host = any: the events have no host */
        ev.registry[0] = '\0';
        ck_assert_ptr_nonnull(repos_find(&c, NULL, &ev));
        repos_cache_free(&c);
        ck_assert_int_eq(repos_load(NULL, &c), 0);
        ck_assert_uint_eq(c.n, 0);
        ck_assert_ptr_null(repos_find(&c, NULL, &ev));
        state_close(st);
}
END_TEST

static void parses(const char *path, const char *host, const char *repository, bool reset)
{
        char h[256], r[256];
        bool rs;

        ck_assert_msg(repos_parse_path(path, h, sizeof(h), r, sizeof(r), &rs) == 0, "%s refused", path);
        ck_assert_str_eq(h, host);
        ck_assert_str_eq(r, repository);
        ck_assert_int_eq(rs, reset);
}

static void refused(const char *path)
{
        char h[256], r[256];
        bool rs;

        ck_assert_msg(repos_parse_path(path, h, sizeof(h), r, sizeof(r), &rs) == -EINVAL, "%s taken", path);
        ck_assert_str_eq(h, "");
        ck_assert_str_eq(r, "");
}

START_TEST(paths)
{
        parses("team/app", "", "team/app", false);
        parses("app", "", "app", false);
        parses("team/app/reset", "", "team/app", true);
        parses("127.0.0.1:5000/team/app", "127.0.0.1:5000", "team/app", false);
        parses("127.0.0.1:5000/team/app/reset", "127.0.0.1:5000", "team/app", true);
        parses("Registry.Example.com/a/b/c", "registry.example.com", "a/b/c", false);
        parses("localhost/app", "localhost", "app", false);
        parses("docker.io/nginx", "docker.io", "library/nginx", false);
        parses("index.docker.io/nginx/reset", "docker.io", "library/nginx", true);
        refused("");
        refused("/reset");
        refused("team/app:v1");
        refused("team/app@sha256:11");
        refused("127.0.0.1:5000/team/app:v1");
        refused("Team/App");
        refused("team//app");
        refused("127.0.0.1:5000/");
        refused("../etc");
}
END_TEST

static Suite *repos_suite(void)
{
        Suite *s = suite_create("repos");
        TCase *tc = tcase_create("repos");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, no_row_is_no_pin);
        tcase_add_test(tc, set_changes_only_what_is_given);
        tcase_add_test(tc, moved_keeps_the_first_reference);
        tcase_add_test(tc, cache_finds_a_push);
        tcase_add_test(tc, paths);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(repos_suite)
