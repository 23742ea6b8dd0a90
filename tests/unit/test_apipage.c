/* apipage: what GET /history?n=N takes as its count, and what it refuses. */
#include "check_main.h"

#include <errno.h>

#include "apipage.h"

START_TEST(counts)
{
        int n = -7;

        ck_assert_int_eq(api_history_count(NULL, &n), 0);
        ck_assert_int_eq(n, HISTORY_PAGE_DEFAULT);
        n = -7;
        ck_assert_int_eq(api_history_count("", &n), 0);
        ck_assert_int_eq(n, HISTORY_PAGE_DEFAULT);
        ck_assert_int_eq(api_history_count("n=1", &n), 0);
        ck_assert_int_eq(n, 1);
        ck_assert_int_eq(api_history_count("n=007", &n), 0);
        ck_assert_int_eq(n, 7);
        ck_assert_int_eq(api_history_count("n=1000", &n), 0);
        ck_assert_int_eq(n, HISTORY_PAGE_MAX);
}
END_TEST

START_TEST(refused)
{
        static const char *const bad[] = {
                "n=", "n", "=5", "m=5", "n=5&n=6", "n=5&x=1", "n=+5", "n=-5", "n= 5", "n=5 ", "n=0x10",
                "n=5.0", "N=5", "nn=5", "n=5;", "x",
        };
        static const char *const range[] = { "n=0", "n=000", "n=1001", "n=99999999999999999999999" };
        int n = -7;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                ck_assert_msg(api_history_count(bad[i], &n) == -EINVAL, "'%s' taken", bad[i]);
                ck_assert_int_eq(n, -7);        /* untouched */
        }
        for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
                ck_assert_msg(api_history_count(range[i], &n) == -ERANGE, "'%s' not out of range", range[i]);
                ck_assert_int_eq(n, -7);
        }
}
END_TEST

static Suite *apipage_suite(void)
{
        Suite *s = suite_create("apipage");
        TCase *tc = tcase_create("apipage");

        tcase_add_test(tc, counts);
        tcase_add_test(tc, refused);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(apipage_suite)
