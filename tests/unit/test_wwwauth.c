/* wwwauth: the WWW-Authenticate challenges registries send, and what is
 * refused. */
#include "check_main.h"

#include <errno.h>
#include <string.h>

#include "wwwauth.h"

static int parse(const char *s, struct wwwauth *w)
{
        return wwwauth_parse(s, strlen(s), w);
}

START_TEST(docker_hub)
{
        struct wwwauth w;

        ck_assert_int_eq(parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                               "scope=\"repository:library/nginx:pull\"", &w), 0);
        ck_assert_int_eq(w.scheme, WWWAUTH_BEARER);
        ck_assert_str_eq(w.realm, "https://auth.docker.io/token");
        ck_assert_str_eq(w.service, "registry.docker.io");
        ck_assert_str_eq(w.scope, "repository:library/nginx:pull");
}
END_TEST

START_TEST(forms)
{
        struct wwwauth w;

        /* Distribution's htpasswd */
        ck_assert_int_eq(parse("Basic realm=\"redock-test\"", &w), 0);
        ck_assert_int_eq(w.scheme, WWWAUTH_BASIC);
        ck_assert_str_eq(w.realm, "redock-test");
        ck_assert_str_eq(w.service, "");
        /* case, spaces around '=' and ',', tokens, unknown parameters, escapes */
        ck_assert_int_eq(parse("bearer  realm = https://r.example/t ,  error=\"insufficient_scope\", "
                               "service=reg , scope=\"a\\\"b\"", &w), 0);
        ck_assert_str_eq(w.realm, "https://r.example/t");
        ck_assert_str_eq(w.service, "reg");
        ck_assert_str_eq(w.scope, "a\"b");
        /* a scheme alone */
        ck_assert_int_eq(parse("Basic", &w), 0);
        ck_assert_int_eq(w.scheme, WWWAUTH_BASIC);
        /* several scopes, as GHCR sends them, in one quoted value */
        ck_assert_int_eq(parse("Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\","
                               "scope=\"repository:o/a:pull repository:o/b:pull\"", &w), 0);
        ck_assert_str_eq(w.scope, "repository:o/a:pull repository:o/b:pull");
}
END_TEST

START_TEST(refused)
{
        struct wwwauth w = { .realm = "untouched" };

        ck_assert_int_eq(parse("", &w), -EBADMSG);
        ck_assert_int_eq(parse("Digest realm=\"x\"", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearerrealm=\"https://x\"", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearer service=\"x\"", &w), -EBADMSG);              /* no realm */
        ck_assert_int_eq(parse("Bearer realm=\"ftp://x/t\"", &w), -EBADMSG);        /* not http(s) */
        ck_assert_int_eq(parse("Bearer realm=\"https://x", &w), -EBADMSG);          /* unterminated */
        ck_assert_int_eq(parse("Bearer realm=\"https://x\\", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearer realm=\"https://x\",", &w), -EBADMSG);       /* trailing comma */
        ck_assert_int_eq(parse("Bearer realm=\"https://x\" service=\"y\"", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearer realm=\"https://x\",realm=\"https://y\"", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearer realm=", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearer =x", &w), -EBADMSG);
        ck_assert_int_eq(parse("Bearer realm=\"https://x\r\nX-Injected: 1\"", &w), -EBADMSG);
        ck_assert_str_eq(w.realm, "untouched");
}
END_TEST

START_TEST(limits)
{
        static char buf[WWWAUTH_HEADER_MAX + 2], a[WWWAUTH_PARAM_MAX + 1];
        struct wwwauth w;
        const char *pre = "Bearer realm=\"https://x/", *post = "\"";
        size_t room;

        /* a realm of WWWAUTH_PARAM_MAX - 1 bytes fits, one more does not */
        room = WWWAUTH_PARAM_MAX - 1 - strlen("https://x/");
        memset(a, 'a', room + 1);
        snprintf(buf, sizeof(buf), "%s%.*s%s", pre, (int)room, a, post);
        ck_assert_int_eq(parse(buf, &w), 0);
        ck_assert_uint_eq(strlen(w.realm), WWWAUTH_PARAM_MAX - 1);
        snprintf(buf, sizeof(buf), "%s%.*s%s", pre, (int)room + 1, a, post);
        ck_assert_int_eq(parse(buf, &w), -E2BIG);
        /* the whole value: WWWAUTH_HEADER_MAX, and one more */
        memset(buf, ' ', sizeof(buf));
        memcpy(buf, "Basic", 5);
        ck_assert_int_eq(wwwauth_parse(buf, WWWAUTH_HEADER_MAX, &w), 0);
        ck_assert_int_eq(wwwauth_parse(buf, WWWAUTH_HEADER_MAX + 1, &w), -E2BIG);
}
END_TEST

static Suite *wwwauth_suite(void)
{
        Suite *s = suite_create("wwwauth");
        TCase *tc = tcase_create("wwwauth");

        tcase_add_test(tc, docker_hub);
        tcase_add_test(tc, forms);
        tcase_add_test(tc, refused);
        tcase_add_test(tc, limits);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(wwwauth_suite)
