/* window, hold and duration: what `window =` and `min-age` accept, when
 * a window opens next, and when a held push may go. */
#include "check_main.h"

#include <errno.h>
#include <string.h>

#include "duration.h"
#include "hold.h"
#include "window.h"

#define NOW 1764633600LL        /* 2025-12-02T00:00:00Z, a Tuesday */
#define H 3600LL
#define D 86400LL

static struct window parsed(const char *s)
{
        struct window w;
        char why[160] = "";

        ck_assert_msg(window_parse(s, &w, why, sizeof(why)) == 0, "'%s' refused: %s", s, why);
        return w;
}

START_TEST(parse_ok)
{
        struct window w = parsed("Sat,Sun 02:00-05:00 Europe/Berlin");

        ck_assert_uint_eq(w.days, 1u << 0 | 1u << 6);
        ck_assert_int_eq(w.start, 120);
        ck_assert_int_eq(w.length, 180);
        ck_assert_str_eq(w.zone, "Europe/Berlin");

        w = parsed("Mon-Fri 22:00-02:00");
        ck_assert_uint_eq(w.days, 0x3e);
        ck_assert_int_eq(w.start, 22 * 60);
        ck_assert_int_eq(w.length, 4 * 60);
        ck_assert_str_eq(w.zone, "");

        w = parsed("00:00-24:00 UTC");
        ck_assert_uint_eq(w.days, 0x7f);
        ck_assert_int_eq(w.length, 24 * 60);

        w = parsed("Fri-Mon 10:00-11:30");      /* wraps past Saturday */
        ck_assert_uint_eq(w.days, 1u << 5 | 1u << 6 | 1u << 0 | 1u << 1);
        ck_assert_int_eq(w.length, 90);

        w = parsed("  sat,TUE\t01:00-02:00   Etc/GMT+1 ");
        ck_assert_uint_eq(w.days, 1u << 6 | 1u << 2);
        ck_assert_str_eq(w.zone, "Etc/GMT+1");
}
END_TEST

START_TEST(parse_refused)
{
        static const char *const bad[] = {
                "", "   ", "Sat", "Sat 2:00-05:00", "25:00-26:00", "10:00-10:00", "Xyz 01:00-02:00",
                "Sat, 01:00-02:00", "Sat,,Sun 01:00-02:00", "01:00-02:00 ../etc/passwd",
                "01:00-02:00 /etc/passwd", "01:00-02:00 Europe//Berlin", "01:00-02:00 UTC extra",
                "24:00-01:00", "01:00-24:01", "01:60-02:00", "01:00 02:00", "01:00-0200", "Mon-Xyz 01:00-02:00",
                "Saturday 01:00-02:00", "01:00-02:00 Europe/Berlin/", "01:00-02:00 -UTC",
        };
        char why[160];
        struct window w;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                why[0] = '\0';
                ck_assert_msg(window_parse(bad[i], &w, why, sizeof(why)) == -EINVAL, "'%s' accepted", bad[i]);
                ck_assert_msg(why[0], "'%s': no reason given", bad[i]);
        }
        ck_assert_int_eq(window_parse("Xyz 01:00-02:00", &w, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "'Xyz' is not a day or a range of days (Mon, Sat-Sun)");
        ck_assert_int_eq(window_parse("Sat 2:00-05:00", &w, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "'2:00-05:00': want the times as HH:MM-HH:MM (00:00 to 24:00), e.g. 02:00-05:00");
        ck_assert_int_eq(window_parse("10:00-10:00", &w, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "'10:00-10:00' opens and closes at the same time");
        ck_assert_int_eq(window_parse("01:00-02:00 ../x", &w, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "'../x' is not a time zone name (Europe/Berlin, UTC)");
}
END_TEST

START_TEST(zones)
{
        ck_assert(window_zone_exists(""));
        ck_assert(window_zone_exists("UTC"));
        ck_assert(window_zone_exists("Europe/Berlin"));
        ck_assert(!window_zone_exists("Europe/Atlantis"));
        ck_assert(!window_zone_exists("../../etc/passwd"));
}
END_TEST

START_TEST(next_opening)
{
        struct window w = parsed("02:00-05:00 UTC");
        long long open, until;

        ck_assert_int_eq(window_next(&w, NOW, &open, &until), 0);
        ck_assert_int_eq(open, NOW + 2 * H);
        ck_assert_int_eq(until, NOW + 5 * H);
        /* open now: now, until it closes */
        ck_assert_int_eq(window_next(&w, NOW + 3 * H, &open, &until), 0);
        ck_assert_int_eq(open, NOW + 3 * H);
        ck_assert_int_eq(until, NOW + 5 * H);
        /* at the close: tomorrow's */
        ck_assert_int_eq(window_next(&w, NOW + 5 * H, &open, &until), 0);
        ck_assert_int_eq(open, NOW + D + 2 * H);

        /* Tuesday 01:00 in Berlin (UTC+1 in December): next Saturday
         * 02:00 Berlin is 01:00 UTC, four days on */
        w = parsed("Sat,Sun 02:00-05:00 Europe/Berlin");
        ck_assert_int_eq(window_next(&w, NOW, &open, &until), 0);
        ck_assert_int_eq(open, NOW + 4 * D + 1 * H);
        ck_assert_int_eq(until, NOW + 4 * D + 4 * H);

        /* Monday's 22:00-02:00 is still open on Tuesday at 00:00 */
        w = parsed("Mon 22:00-02:00 UTC");
        ck_assert_int_eq(window_next(&w, NOW, &open, &until), 0);
        ck_assert_int_eq(open, NOW);
        ck_assert_int_eq(until, NOW + 2 * H);
        /* Tuesday's own starts at 22:00 */
        w = parsed("Tue 22:00-02:00 UTC");
        ck_assert_int_eq(window_next(&w, NOW, &open, &until), 0);
        ck_assert_int_eq(open, NOW + 22 * H);
        ck_assert_int_eq(until, NOW + D + 2 * H);
}
END_TEST

START_TEST(tz_put_back)
{
        struct window w = parsed("Sat 02:00-05:00 Europe/Berlin");
        long long open, until;

        setenv("TZ", "America/New_York", 1);
        ck_assert_int_eq(window_next(&w, NOW, &open, &until), 0);
        ck_assert_str_eq(getenv("TZ"), "America/New_York");
        unsetenv("TZ");
        ck_assert_int_eq(window_next(&w, NOW, &open, &until), 0);
        ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

START_TEST(durations)
{
        long long s = 0;

        ck_assert_int_eq(duration_parse("90s", &s), 0);
        ck_assert_int_eq(s, 90);
        ck_assert_int_eq(duration_parse("30m", &s), 0);
        ck_assert_int_eq(s, 1800);
        ck_assert_int_eq(duration_parse("72h", &s), 0);
        ck_assert_int_eq(s, 72 * H);
        ck_assert_int_eq(duration_parse("7d", &s), 0);
        ck_assert_int_eq(s, 7 * D);
        ck_assert_int_eq(duration_parse("", &s), -EINVAL);
        ck_assert_int_eq(duration_parse("7", &s), -EINVAL);
        ck_assert_int_eq(duration_parse("7 d", &s), -EINVAL);
        ck_assert_int_eq(duration_parse("-7d", &s), -EINVAL);
        ck_assert_int_eq(duration_parse("7y", &s), -EINVAL);
        ck_assert_int_eq(duration_parse("99999999999999999999s", &s), -ERANGE);
}
END_TEST

START_TEST(hold_decisions)
{
        struct window closed = parsed("02:00-05:00 UTC"), open = parsed("00:00-01:00 UTC");
        struct hold_in in = { .now = NOW };
        long long until = 0;
        char why[512];

        /* nothing asked: now */
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 0);
        ck_assert_int_eq(until, NOW);

        /* too young: until it is old enough */
        in.min_age = 60;
        in.min_age_text = "1m";
        in.born = NOW - 10;
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 1);
        ck_assert_int_eq(until, NOW + 50);
        ck_assert_str_eq(why, "min-age 1m: the image is 10 s old");
        /* old enough */
        in.born = NOW - 60;
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 0);
        /* created in the future (a skewed clock): as if now */
        in.born = NOW + 1000;
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 1);
        ck_assert_int_eq(until, NOW + 60);

        /* old enough, window closed: until it opens */
        in.born = NOW - 100;
        in.window = &closed;
        in.window_text = "02:00-05:00 UTC";
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 1);
        ck_assert_int_eq(until, NOW + 2 * H);
        ck_assert_str_eq(why, "outside the window 02:00-05:00 UTC");

        /* too young, then the window: the first opening after the age */
        in.born = NOW - 10;
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 1);
        ck_assert_int_eq(until, NOW + 2 * H);
        ck_assert_str_eq(why, "min-age 1m: the image is 10 s old, then outside the window 02:00-05:00 UTC");

        /* too young, old enough while the window is open: the age */
        in.window = &open;
        in.window_text = "00:00-01:00 UTC";
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 1);
        ck_assert_int_eq(until, NOW + 50);
        ck_assert_str_eq(why, "min-age 1m: the image is 10 s old");

        /* old enough, window open: now */
        in.born = NOW - 100;
        ck_assert_int_eq(hold_decide(&in, &until, why, sizeof(why)), 0);
}
END_TEST

static Suite *window_suite(void)
{
        Suite *s = suite_create("window");
        TCase *tc = tcase_create("window");

        tcase_add_test(tc, parse_ok);
        tcase_add_test(tc, parse_refused);
        tcase_add_test(tc, zones);
        tcase_add_test(tc, next_opening);
        tcase_add_test(tc, tz_put_back);
        tcase_add_test(tc, durations);
        tcase_add_test(tc, hold_decisions);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(window_suite)
