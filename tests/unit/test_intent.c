/* intent: the in-flight record of a replacement, in a temporary
 * directory; and the REDOCK_FAULT list. */
#include "check_main.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fault.h"
#include "intent.h"

static char top[64];

static void setup(void)
{
        strcpy(top, "/tmp/redock-intent-test-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(top));
}

static void teardown(void)
{
        rm_tree(top);
        unsetenv("REDOCK_FAULT");
}

static void write_raw(const char *name, const char *text)
{
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/inflight", top);
        mkdir(path, 0750);
        snprintf(path, sizeof(path), "%s/inflight/%s.json", top, name);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
}

START_TEST(round_trip_with_dependents)
{
        char *deps[] = { "db-user", "web" };
        struct intent in = { .was_running = true, .proved = false, .dependents = deps, .n_dependents = 2 };
        struct intent out;

        strcpy(in.old_id, "0123abcd");
        ck_assert_int_eq(intent_write(top, "app", &in), 0);
        ck_assert_int_eq(intent_read(top, "app", &out), 0);
        ck_assert_str_eq(out.old_id, "0123abcd");
        ck_assert(out.was_running);
        ck_assert(!out.proved);
        ck_assert_uint_eq(out.n_dependents, 2);
        ck_assert_str_eq(out.dependents[0], "db-user");
        ck_assert_str_eq(out.dependents[1], "web");
        intent_free(&out);
        ck_assert_ptr_null(out.dependents);

        /* rewritten once the new one proved itself: the dependents stay */
        in.proved = true;
        ck_assert_int_eq(intent_write(top, "app", &in), 0);
        ck_assert_int_eq(intent_read(top, "app", &out), 0);
        ck_assert(out.proved);
        ck_assert_uint_eq(out.n_dependents, 2);
        intent_free(&out);

        ck_assert_int_eq(intent_remove(top, "app"), 0);
        ck_assert_int_eq(intent_read(top, "app", &out), -ENOENT);
        ck_assert_int_eq(intent_remove(top, "app"), 0);        /* gone already: fine */
}
END_TEST

/* a record of an older version has no "dependents" or "proved" */
START_TEST(older_record_reads)
{
        struct intent out;

        write_raw("old", "{\"old_id\":\"ffee\",\"was_running\":true}");
        ck_assert_int_eq(intent_read(top, "old", &out), 0);
        ck_assert_str_eq(out.old_id, "ffee");
        ck_assert(out.was_running);
        ck_assert(!out.proved);
        ck_assert_uint_eq(out.n_dependents, 0);
        intent_free(&out);
}
END_TEST

START_TEST(bad_records_refused)
{
        struct intent out;

        write_raw("a", "not json");
        ck_assert_int_eq(intent_read(top, "a", &out), -EBADMSG);
        write_raw("b", "{\"old_id\":\"x\",\"dependents\":[\"../etc\"]}");
        ck_assert_int_eq(intent_read(top, "b", &out), -EBADMSG);
        ck_assert_ptr_null(out.dependents);
        write_raw("c", "{\"old_id\":\"x\",\"dependents\":[\"ok\", 7]}");
        ck_assert_int_eq(intent_read(top, "c", &out), -EBADMSG);
        ck_assert_ptr_null(out.dependents);
        write_raw("d", "{\"old_id\":\"x\",\"dependents\":[\"\"]}");
        ck_assert_int_eq(intent_read(top, "d", &out), -EBADMSG);
}
END_TEST

START_TEST(list_names)
{
        struct intent in = { .was_running = false };
        char **names;
        size_t n;
        int seen = 0;

        ck_assert_int_eq(intent_list(top, &names, &n), 0);     /* no inflight/ yet */
        ck_assert_uint_eq(n, 0);
        intent_names_free(names, n);
        strcpy(in.old_id, "1");
        ck_assert_int_eq(intent_write(top, "one", &in), 0);
        ck_assert_int_eq(intent_write(top, "two", &in), 0);
        write_raw("three.json", "");    /* three.json.json: a name with a dot */
        {
                char path[256];
                FILE *f;

                /* a write that never finished is not a record */
                snprintf(path, sizeof(path), "%s/inflight/four.json.tmp", top);
                f = fopen(path, "w");
                ck_assert_ptr_nonnull(f);
                fclose(f);
        }
        ck_assert_int_eq(intent_list(top, &names, &n), 0);
        ck_assert_uint_eq(n, 3);
        for (size_t i = 0; i < n; i++)
                seen |= !strcmp(names[i], "one") ? 1 : !strcmp(names[i], "two") ? 2 :
                        !strcmp(names[i], "three.json") ? 4 : 8;
        ck_assert_int_eq(seen, 7);
        intent_names_free(names, n);
}
END_TEST

START_TEST(fault_list)
{
        ck_assert(!fault_fail("fail-start"));
        setenv("REDOCK_FAULT", "fail-start,fail-rename-back", 1);
        ck_assert(fault_fail("fail-start"));
        ck_assert(fault_fail("fail-rename-back"));
        ck_assert(!fault_fail("fail-rename"));          /* a prefix is not a name */
        ck_assert(!fault_fail("fail-restart-old"));
        setenv("REDOCK_FAULT", "fail-restart-old", 1);
        ck_assert(fault_fail("fail-restart-old"));
        ck_assert(!fault_fail("fail-start"));
        fault_point("after-pull");      /* not named: does not die */
}
END_TEST

static Suite *intent_suite(void)
{
        Suite *s = suite_create("intent");
        TCase *tc = tcase_create("intent");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, round_trip_with_dependents);
        tcase_add_test(tc, older_record_reads);
        tcase_add_test(tc, bad_records_refused);
        tcase_add_test(tc, list_names);
        tcase_add_test(tc, fault_list);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(intent_suite)
