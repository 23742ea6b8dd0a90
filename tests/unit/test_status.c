/* status: the tables are printed from the JSON rows, so a key added to a
 * row is a column (the way another part of redock adds "followed_by"). */
#include "check_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "status.h"

static char *tables(const char *doc_text)
{
        json_error_t err;
        json_t *doc = json_loads(doc_text, 0, &err);
        char *buf = NULL;
        size_t len = 0;
        FILE *f;

        ck_assert_msg(doc != NULL, "%s", err.text);
        f = open_memstream(&buf, &len);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(status_print_tables(f, doc), 0);
        fclose(f);
        json_decref(doc);
        return buf;
}

#define DOCKER_UP "\"docker\":{\"host\":\"unix:///run/docker.sock\",\"reachable\":true,\"error\":null}"
#define NO_QUEUE "\"queued\":{\"count\":0,\"jobs\":[],\"errors\":[]}"
#define WEB "{\"name\":\"web\",\"state\":\"running\",\"image\":\"reg:5000/team/web:stable\"," \
            "\"image_id\":\"sha256:feed\",\"digest\":\"sha256:0123456789abcdef0123\"," \
            "\"policy\":{\"scope\":\"blue\",\"other-scope\":true,\"rollback\":false," \
            "\"stop-signal\":\"SIGHUP\",\"health-timeout\":30,\"depends-on\":[\"db\",\"cache\"]}," \
            "\"last_outcome\":\"updated\",\"last_time\":\"2026-12-01T10:00:00Z\"}"

START_TEST(columns_from_keys)
{
        char *out = tables("{" DOCKER_UP ",\"containers\":[" WEB "],\"services\":[]," NO_QUEUE "}");

        /* POLICY is as wide as its widest cell (91 columns) plus two */
        ck_assert_str_eq(out,
                "CONTAINER  STATE    IMAGE                     DIGEST               "
                "POLICY                                                                                       "
                "LAST OUTCOME  LAST TIME\n"
                "web        running  reg:5000/team/web:stable  sha256:0123456789ab  "
                "scope=blue,other-scope,no-rollback,stop-signal=SIGHUP,health-timeout=30,depends-on=db+cache  "
                "updated       2026-12-01T10:00:00Z\n"
                "\nNothing queued.\n");
        free(out);
}
END_TEST

START_TEST(one_more_key_one_more_column)
{
        char *out = tables("{" DOCKER_UP ",\"containers\":[{\"name\":\"a\",\"state\":\"running\","
                           "\"followed_by\":\"source registry\"},{\"name\":\"bb\",\"state\":null,"
                           "\"followed_by\":\"nothing: scope\"}],\"services\":[]," NO_QUEUE "}");

        ck_assert_str_eq(out,
                "CONTAINER  STATE    FOLLOWED BY\n"
                "a          running  source registry\n"
                "bb         -        nothing: scope\n"
                "\nNothing queued.\n");
        free(out);
}
END_TEST

START_TEST(docker_away_and_queue)
{
        char *out = tables("{\"docker\":{\"host\":\"unix:///x\",\"reachable\":false,\"error\":\"no such file\"},"
                           "\"containers\":[],\"services\":[{\"name\":\"stack_api\",\"image\":\"r/api:1\","
                           "\"digest\":null,\"policy\":null,\"last_outcome\":\"failed\",\"last_time\":\"T\"}],"
                           "\"queued\":{\"count\":3,\"errors\":[],\"jobs\":[{\"where\":\"queue\",\"image\":\"r/a:1\","
                           "\"digest\":\"sha256:0123456789abcdef\",\"source\":\"registry\",\"received\":\"T\","
                           "\"job\":\"1.job\"},{\"where\":\"inbox\",\"job\":\"x.job\",\"error\":\"a symbolic link\"}]}}");

        ck_assert_str_eq(out,
                "Docker could not be reached: below is what redock's history records, not what runs now\n"
                "No container in redock's history.\n"
                "\n"
                "SERVICE    IMAGE    DIGEST  POLICY  LAST OUTCOME  LAST TIME\n"
                "stack_api  r/api:1  -       -       failed        T\n"
                "\n"
                "3 job(s) queued, the oldest shown:\n"
                "QUEUED  IMAGE  DIGEST               SOURCE    RECEIVED  JOB    ERROR\n"
                "queue   r/a:1  sha256:0123456789ab  registry  T         1.job  -\n"
                "inbox   -      -                    -         -         x.job  a symbolic link\n");
        free(out);
}
END_TEST

START_TEST(cells_for_a_terminal)
{
        /* a label value with control characters does not reach the terminal */
        char *out = tables("{" DOCKER_UP ",\"containers\":[{\"name\":\"w\",\"policy\":"
                           "{\"pre-update\":\"echo \\u001b[31mred\\nnext\"}}],\"services\":[]," NO_QUEUE "}");

        ck_assert_ptr_null(strchr(out, '\x1b'));
        ck_assert_ptr_nonnull(strstr(out, "w          pre-update=echo ?[31mred?next\n"));
        ck_assert_ptr_null(strstr(out, " \n"));
        free(out);
}
END_TEST

static Suite *status_suite(void)
{
        Suite *s = suite_create("status");
        TCase *tc = tcase_create("status");

        tcase_add_test(tc, columns_from_keys);
        tcase_add_test(tc, one_more_key_one_more_column);
        tcase_add_test(tc, docker_away_and_queue);
        tcase_add_test(tc, cells_for_a_terminal);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(status_suite)
