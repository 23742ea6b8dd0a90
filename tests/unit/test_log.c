/* log: the stderr line of a message and its fields is one line whatever
 * the strings hold (issue 13 item 6). */
#include "check_main.h"

#include <string.h>

#include "log.h"

static const char *esc(const char *s, bool field)
{
        static char buf[256];

        log_escape(buf, sizeof(buf), s, field);
        return buf;
}

START_TEST(plain_text_unchanged)
{
        ck_assert_str_eq(esc("queued push of r/a:b sha256:00", false), "queued push of r/a:b sha256:00");
        ck_assert_str_eq(esc("über-tag", false), "über-tag");
        ck_assert_str_eq(esc("", true), "");
}
END_TEST

START_TEST(controls_escaped)
{
        ck_assert_str_eq(esc("a\nb", false), "a\\nb");
        ck_assert_str_eq(esc("a\r\tb", false), "a\\r\\tb");
        ck_assert_str_eq(esc("back\\slash", false), "back\\\\slash");
        ck_assert_str_eq(esc("\x1b[2Jx", false), "\\x1b[2Jx");
        ck_assert_str_eq(esc("del\x7f", false), "del\\x7f");
        ck_assert_str_eq(esc("\x01\x1f", false), "\\x01\\x1f");
        /* C1 CSI in UTF-8, which some terminals act on */
        ck_assert_str_eq(esc("x\xc2\x9b" "31m", false), "x\\xc2\\x9b31m");
        /* a lone 0xc2 before a normal character stays as it is */
        ck_assert_str_eq(esc("\xc2\xa0", false), "\xc2\xa0");
}
END_TEST

START_TEST(fields_escape_space)
{
        ck_assert_str_eq(esc("a b", false), "a b");
        ck_assert_str_eq(esc("a outcome=updated", true), "a\\x20outcome=updated");
}
END_TEST

START_TEST(cut_before_an_escape)
{
        char buf[6];

        /* "ab\n" needs 4 bytes + NUL: fits */
        ck_assert_uint_eq(log_escape(buf, sizeof(buf), "ab\ncd", false), 5);
        ck_assert_str_eq(buf, "ab\\nc");
        /* "abcd" + "\n" would need 6 + NUL: the escape is left out whole */
        ck_assert_uint_eq(log_escape(buf, sizeof(buf), "abcd\n", false), 4);
        ck_assert_str_eq(buf, "abcd");
        ck_assert_uint_eq(log_escape(buf, 1, "abc", false), 0);
        ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(one_line_no_forged_priority)
{
        char line[512];
        struct log_ctx ctx = { .source = "evil\n<0>redock: forged", .container = "c",
                               .image = "r/a:b", .digest = "sha256:1\r", .outcome = "updated" };
        size_t n = log_format_line(line, sizeof(line), "<3>queued\n<2>fake", &ctx);

        ck_assert_uint_eq(n, strlen(line));
        ck_assert_str_eq(line, "redock: <3>queued\\n<2>fake source=evil\\n<0>redock:\\x20forged container=c "
                               "image=r/a:b digest=sha256:1\\r outcome=updated\n");
        /* exactly one newline, at the end; the line starts with our prefix */
        ck_assert_ptr_eq(strchr(line, '\n'), line + n - 1);
        ck_assert(strncmp(line, "redock: ", 8) == 0);
        ck_assert_ptr_null(strchr(line, '\r'));
}
END_TEST

START_TEST(long_line_is_cut_and_still_ends)
{
        char msg[LOG_MSG_MAX];
        static char line[LOG_LINE_MAX];
        struct log_ctx ctx = { .source = "s", .outcome = "failed" };
        size_t n;

        memset(msg, '\n', sizeof(msg) - 1);
        msg[sizeof(msg) - 1] = '\0';
        n = log_format_line(line, sizeof(line), msg, &ctx);
        ck_assert_uint_eq(n, strlen(line));
        ck_assert_ptr_eq(strchr(line, '\n'), line + n - 1);
        ck_assert(strstr(line, " outcome=failed\n") != NULL);
        /* a buffer too small for the fields: cut, one line, terminated */
        n = log_format_line(line, 40, msg, &ctx);
        ck_assert_uint_le(n, 39);
        ck_assert_uint_eq(n, strlen(line));
        ck_assert_ptr_eq(strchr(line, '\n'), line + n - 1);
        ck_assert_uint_eq(log_format_line(line, 5, "x", NULL), 0);
}
END_TEST

static Suite *log_suite(void)
{
        Suite *s = suite_create("log");
        TCase *tc = tcase_create("escape");

        tcase_add_test(tc, plain_text_unchanged);
        tcase_add_test(tc, controls_escaped);
        tcase_add_test(tc, fields_escape_space);
        tcase_add_test(tc, cut_before_an_escape);
        tcase_add_test(tc, one_line_no_forged_priority);
        tcase_add_test(tc, long_line_is_cut_and_still_ends);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(log_suite)
