/* since: what `redock history --since` accepts, and what it refuses. */
#include "check_main.h"

#include <errno.h>

#include "since.h"

#define NOW 1764633600LL        /* 2025-12-02T00:00:00Z */

START_TEST(ages)
{
        long long t = 0;

        ck_assert_int_eq(since_parse("90s", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 90);
        ck_assert_int_eq(since_parse("30m", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 1800);
        ck_assert_int_eq(since_parse("2h", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 7200);
        ck_assert_int_eq(since_parse("3d", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 3 * 86400);
        ck_assert_int_eq(since_parse("1w", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 7 * 86400);
        ck_assert_int_eq(since_parse("0s", NOW, &t), 0);
        ck_assert_int_eq(t, NOW);
}
END_TEST

START_TEST(dates)
{
        long long t = 0;

        ck_assert_int_eq(since_parse("2025-12-01", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 86400);
        ck_assert_int_eq(since_parse("2025-12-01T12:30", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 86400 + 12 * 3600 + 30 * 60);
        ck_assert_int_eq(since_parse("2025-12-01T12:30:15Z", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 86400 + 12 * 3600 + 30 * 60 + 15);
        ck_assert_int_eq(since_parse("2025-12-01 12:30:15", NOW, &t), 0);
        ck_assert_int_eq(t, NOW - 86400 + 12 * 3600 + 30 * 60 + 15);
        ck_assert_int_eq(since_parse("2024-02-29", NOW, &t), 0);
}
END_TEST

START_TEST(refused)
{
        static const char *const bad[] = {
                "", "h", "2", "2x", "2hh", "-2h", "+2h", "2 h", "2.5h", "2H", "yesterday",
                "2025-12-1", "2025/12/01", "2025-12-01T12", "2025-12-01T12:3", "2025-12-01x12:30",
                "2025-12-01T12:30:15+01:00", "25-12-01",
        };
        long long t = 42;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(since_parse(bad[i], NOW, &t) == -EINVAL, "'%s' accepted", bad[i]);
        ck_assert_int_eq(since_parse(NULL, NOW, &t), -EINVAL);
        ck_assert_int_eq(t, 42);        /* untouched */
}
END_TEST

START_TEST(out_of_range)
{
        long long t = 42;

        ck_assert_int_eq(since_parse("2025-13-01", NOW, &t), -ERANGE);
        ck_assert_int_eq(since_parse("2025-02-30", NOW, &t), -ERANGE);
        ck_assert_int_eq(since_parse("2025-12-01T24:00", NOW, &t), -ERANGE);
        ck_assert_int_eq(since_parse("2025-12-01T23:60", NOW, &t), -ERANGE);
        ck_assert_int_eq(since_parse("99999999999999999999s", NOW, &t), -ERANGE);
        ck_assert_int_eq(since_parse("40000w", NOW, &t), -ERANGE);
        ck_assert_int_eq(t, 42);
}
END_TEST

static Suite *since_suite(void)
{
        Suite *s = suite_create("since");
        TCase *tc = tcase_create("since");

        tcase_add_test(tc, ages);
        tcase_add_test(tc, dates);
        tcase_add_test(tc, refused);
        tcase_add_test(tc, out_of_range);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(since_suite)
