/* imagequery: /v1/update's image= names, as Watchtower's clients send
 * them; and the counters /metrics reads (counters.c), kept in a fresh
 * database. */
#include "check_main.h"

#include <errno.h>
#include <linux/limits.h>   /* PATH_MAX */
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "imagequery.h"
#include "state.h"

static struct poll_image img[IMAGEQUERY_MAX];
static char why[256];

START_TEST(names)
{
        size_t n = 99;

        ck_assert_int_eq(imagequery_parse(NULL, img, &n, why, sizeof(why)), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(imagequery_parse("", img, &n, why, sizeof(why)), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_int_eq(imagequery_parse("other=1&images=x", img, &n, why, sizeof(why)), 0);
        ck_assert_uint_eq(n, 0);

        /* as a user writes them: Hub short names, a host with a port, tags */
        ck_assert_int_eq(imagequery_parse("image=nginx,127.0.0.1:5000/team/app:v1", img, &n, why, sizeof(why)), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(img[0].ref.registry, "docker.io");
        ck_assert_str_eq(img[0].ref.repository, "library/nginx");
        ck_assert_str_eq(img[1].ref.registry, "127.0.0.1:5000");
        ck_assert_str_eq(img[1].ref.repository, "team/app");
        ck_assert_int_eq(img[1].targets, 0);

        /* percent-encoded, and in several image= parameters */
        ck_assert_int_eq(imagequery_parse("a=b&image=127.0.0.1%3A5000%2Fteam%2Fapp&x&image=Docker.io%2Fredis",
                                          img, &n, why, sizeof(why)), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(img[0].ref.registry, "127.0.0.1:5000");
        ck_assert_str_eq(img[0].ref.repository, "team/app");
        ck_assert_str_eq(img[1].ref.registry, "docker.io");
        ck_assert_str_eq(img[1].ref.repository, "library/redis");
}
END_TEST

START_TEST(refused)
{
        char many[IMAGEQUERY_MAX * 8 + 16] = "image=";
        size_t n;

        ck_assert_int_eq(imagequery_parse("image=", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=: an empty image name (write image=NAME[,NAME...])");
        ck_assert_int_eq(imagequery_parse("image=a,", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=: an empty image name (write image=NAME[,NAME...])");
        ck_assert_int_eq(imagequery_parse("image=Bad+Name", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=Bad?Name: not an image name");
        ck_assert_int_eq(imagequery_parse("image=%e2%80%a6", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=???: not an image name");
        ck_assert_int_eq(imagequery_parse("image=%zz", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=: a bad %-escape");
        ck_assert_int_eq(imagequery_parse("image=ab%4", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=: a bad %-escape");
        ck_assert_int_eq(imagequery_parse("image=a%00b", img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=: a bad %-escape");

        /* IMAGEQUERY_MAX names are taken, one more is not */
        for (int i = 0; i < IMAGEQUERY_MAX; i++)
                snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sn%d", i ? "," : "", i);
        ck_assert_int_eq(imagequery_parse(many, img, &n, why, sizeof(why)), 0);
        ck_assert_uint_eq(n, IMAGEQUERY_MAX);
        strcat(many, ",one-more");
        ck_assert_int_eq(imagequery_parse(many, img, &n, why, sizeof(why)), -EINVAL);
        ck_assert_str_eq(why, "image=: more than 64 images in one request");
}
END_TEST

START_TEST(counters)
{
        char dir[PATH_MAX];
        const char *tmp = getenv("TMPDIR");
        struct state *st = NULL;
        long long v = -1;

        snprintf(dir, sizeof(dir), "%s/redock-counters-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        ck_assert_int_eq(state_open(dir, &st), 0);
        ck_assert_int_eq(counters_get(st, COUNTER_DELIVERIES_ACCEPTED, &v), 0);
        ck_assert_int_eq(v, 0);
        ck_assert_int_eq(counters_add(st, COUNTER_DELIVERIES_ACCEPTED, 1), 0);
        ck_assert_int_eq(counters_add(st, COUNTER_DELIVERIES_ACCEPTED, 2), 0);
        ck_assert_int_eq(counters_add(st, COUNTER_DELIVERIES_DUPLICATE, 1), 0);
        state_close(st);
        /* durable: another connection, as the API's process opens it */
        ck_assert_int_eq(state_open(dir, &st), 0);
        ck_assert_int_eq(counters_get(st, COUNTER_DELIVERIES_ACCEPTED, &v), 0);
        ck_assert_int_eq(v, 3);
        ck_assert_int_eq(counters_get(st, COUNTER_DELIVERIES_DUPLICATE, &v), 0);
        ck_assert_int_eq(v, 1);
        state_close(st);
        rm_tree(dir);
}
END_TEST

static Suite *imagequery_suite(void)
{
        Suite *s = suite_create("imagequery");
        TCase *tc = tcase_create("imagequery");

        tcase_add_test(tc, names);
        tcase_add_test(tc, refused);
        tcase_add_test(tc, counters);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(imagequery_suite)
