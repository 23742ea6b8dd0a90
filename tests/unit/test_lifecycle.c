/* lifecycle and policy: what a pre/post-update command wrote, read from
 * Docker's multiplexed attach stream split anywhere, kept within its
 * bound, its last lines; and the hook timeout labels, redock's in
 * seconds and Watchtower's in minutes (issue 15). */
#include "check_main.h"

#include <string.h>

#include <jansson.h>

#include "lifecycle.h"
#include "policy.h"

/* a frame of Docker's attach stream: stream, 0, 0, 0, size (big-endian) */
static size_t frame(char *dst, int stream, const char *text)
{
        size_t n = strlen(text);

        dst[0] = (char)stream;
        dst[1] = dst[2] = dst[3] = 0;
        dst[4] = (char)(n >> 24);
        dst[5] = (char)(n >> 16);
        dst[6] = (char)(n >> 8);
        dst[7] = (char)n;
        memcpy(dst + 8, text, n);
        return n + 8;
}

START_TEST(frames_split_anywhere)
{
        char stream[256], tail[LIFECYCLE_OUTPUT_KEEP + 4];
        size_t len = 0;

        len += frame(stream + len, 1, "one\ntwo\n");
        len += frame(stream + len, 2, "three\n");
        len += frame(stream + len, 1, "");
        len += frame(stream + len, 1, "four\nfive\nsix\n");
        /* every split point, one byte at a time too */
        for (size_t cut = 0; cut <= len; cut++) {
                struct lifecycle_output o = { 0 };

                lifecycle_output_feed(&o, stream, cut);
                lifecycle_output_feed(&o, stream + cut, len - cut);
                lifecycle_output_tail(&o, tail, sizeof(tail));
                ck_assert_str_eq(tail, "...two\nthree\nfour\nfive\nsix");
        }
        {
                struct lifecycle_output o = { 0 };

                for (size_t i = 0; i < len; i++)
                        lifecycle_output_feed(&o, stream + i, 1);
                lifecycle_output_tail(&o, tail, sizeof(tail));
                ck_assert_str_eq(tail, "...two\nthree\nfour\nfive\nsix");
        }
}
END_TEST

START_TEST(few_lines_and_nothing)
{
        struct lifecycle_output o = { 0 };
        char stream[64], tail[64];
        size_t len;

        lifecycle_output_tail(&o, tail, sizeof(tail));
        ck_assert_str_eq(tail, "");
        len = frame(stream, 1, "only line\r\n\n");
        lifecycle_output_feed(&o, stream, len);
        lifecycle_output_tail(&o, tail, sizeof(tail));
        ck_assert_str_eq(tail, "only line");
        /* exactly five lines: nothing left out, no "..." */
        memset(&o, 0, sizeof(o));
        len = frame(stream, 1, "a\nb\nc\nd\ne\n");
        lifecycle_output_feed(&o, stream, len);
        lifecycle_output_tail(&o, tail, sizeof(tail));
        ck_assert_str_eq(tail, "a\nb\nc\nd\ne");
        /* a small DST: cut, terminated */
        lifecycle_output_tail(&o, tail, 4);
        ck_assert_str_eq(tail, "a\nb");
}
END_TEST

/* megabytes of output cost LIFECYCLE_OUTPUT_KEEP bytes; the newest are kept */
START_TEST(bounded)
{
        struct lifecycle_output o = { 0 };
        static char big[3 * LIFECYCLE_OUTPUT_KEEP + 8];
        char hdr[8], tail[LIFECYCLE_OUTPUT_KEEP + 4];
        size_t n = sizeof(big) - 8;

        memset(big, 'x', sizeof(big));
        memcpy(big + n - 5, "\nend\n", 5);
        frame(hdr, 1, "");
        hdr[4] = (char)(n >> 24);
        hdr[5] = (char)(n >> 16);
        hdr[6] = (char)(n >> 8);
        hdr[7] = (char)n;
        for (int round = 0; round < 100; round++) {
                lifecycle_output_feed(&o, hdr, 8);
                lifecycle_output_feed(&o, big, 100);
                lifecycle_output_feed(&o, big + 100, n - 100);
                ck_assert_uint_le(o.len, LIFECYCLE_OUTPUT_KEEP);
        }
        ck_assert(o.cut);
        lifecycle_output_tail(&o, tail, sizeof(tail));
        ck_assert_uint_le(strlen(tail), LIFECYCLE_OUTPUT_KEEP + 3);
        ck_assert(strncmp(tail, "...", 3) == 0);
        ck_assert(strstr(tail, "\nend") && strcmp(tail + strlen(tail) - 4, "\nend") == 0);
}
END_TEST

/* not Docker's frames (a TTY): all of it is output */
START_TEST(raw_stream)
{
        struct lifecycle_output o = { 0 };
        char tail[64];

        lifecycle_output_feed(&o, "plain text, no frames\nlast\n", 27);
        lifecycle_output_tail(&o, tail, sizeof(tail));
        ck_assert_str_eq(tail, "plain text, no frames\nlast");
}
END_TEST

static struct policy pol_of(const char *json)
{
        struct policy p;
        json_t *labels = json_loads(json, 0, NULL);

        ck_assert_ptr_nonnull(labels);
        policy_from_labels(labels, &p);
        json_decref(labels);    /* the timeouts are copies */
        policy_free(&p);
        return p;
}

#define WT "com.centurylinklabs.watchtower.lifecycle."

START_TEST(hook_timeouts)
{
        struct policy p;

        p = pol_of("{}");
        ck_assert_int_eq(p.pre_timeout.seconds, 60);
        ck_assert_str_eq(p.pre_timeout.from, "the default");
        ck_assert_str_eq(p.pre_timeout.problem, "");

        p = pol_of("{\"redock.hook-timeout\": \"30\"}");
        ck_assert_int_eq(p.pre_timeout.seconds, 30);
        ck_assert_int_eq(p.post_timeout.seconds, 30);
        ck_assert_str_eq(p.post_timeout.from, "redock.hook-timeout=30");

        /* minutes, each hook its own */
        p = pol_of("{\"" WT "pre-update-timeout\": \"2\", \"" WT "post-update-timeout\": \"1440\"}");
        ck_assert_int_eq(p.pre_timeout.seconds, 120);
        ck_assert_str_eq(p.pre_timeout.from, WT "pre-update-timeout=2 minutes");
        ck_assert_int_eq(p.post_timeout.seconds, 86400);
        ck_assert_str_eq(p.post_timeout.problem, "");

        /* 0 (Watchtower: none) is the longest redock waits, and said */
        p = pol_of("{\"" WT "pre-update-timeout\": \"0\"}");
        ck_assert_int_eq(p.pre_timeout.seconds, 86400);
        ck_assert_str_eq(p.pre_timeout.problem, "label " WT "pre-update-timeout=0 (no timeout, in Watchtower) "
                         "taken as 1440 minutes, the longest redock waits");
        ck_assert_int_eq(p.post_timeout.seconds, 60);

        /* refused, never ignored quietly */
        const char *bad[] = { "1.5", "-1", "1441", "5m", "", " 5", "99999999999999999999" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char json[256], want[256];

                snprintf(json, sizeof(json), "{\"" WT "post-update-timeout\": \"%s\"}", bad[i]);
                p = pol_of(json);
                snprintf(want, sizeof(want), "label " WT "post-update-timeout=%s refused: "
                         "not a whole number of minutes from 0 to 1440", bad[i]);
                ck_assert_int_eq(p.post_timeout.seconds, 60);
                ck_assert_str_eq(p.post_timeout.problem, want);
        }
        p = pol_of("{\"redock.hook-timeout\": \"soon\"}");
        ck_assert_int_eq(p.pre_timeout.seconds, 60);
        ck_assert_str_eq(p.pre_timeout.problem,
                         "label redock.hook-timeout=soon refused: not a whole number of seconds from 0 to 86400");

        /* redock's own wins, and the other is said to be ignored */
        p = pol_of("{\"redock.hook-timeout\": \"10\", \"" WT "pre-update-timeout\": \"3\"}");
        ck_assert_int_eq(p.pre_timeout.seconds, 10);
        ck_assert_str_eq(p.pre_timeout.problem,
                         "label " WT "pre-update-timeout=3 ignored: redock.hook-timeout=10 is set and wins");
        ck_assert_str_eq(p.post_timeout.problem, "");

        /* redock's refused, Watchtower's used: both said */
        p = pol_of("{\"redock.hook-timeout\": \"x\", \"" WT "pre-update-timeout\": \"3\"}");
        ck_assert_int_eq(p.pre_timeout.seconds, 180);
        ck_assert_str_eq(p.pre_timeout.problem,
                         "label redock.hook-timeout=x refused: not a whole number of seconds from 0 to 86400");
}
END_TEST

static Suite *lifecycle_suite(void)
{
        Suite *s = suite_create("lifecycle");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, frames_split_anywhere);
        tcase_add_test(tc, few_lines_and_nothing);
        tcase_add_test(tc, bounded);
        tcase_add_test(tc, raw_stream);
        tcase_add_test(tc, hook_timeouts);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(lifecycle_suite)
