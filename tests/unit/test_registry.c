/* registry: where an image's registry and repository are asked (Docker
 * Hub's names, [registry HOST] mirror and ca-file, loopback hosts).
 * Pure: Docker Hub is out of reach here, and needs not be reached. */
#include "check_main.h"

#include <errno.h>
#include <string.h>

#include "config.h"
#include "registry.h"

static struct registry_cred creds[2];
static struct config cfg;

static void setup(void)
{
        memset(&cfg, 0, sizeof(cfg));
        memset(creds, 0, sizeof(creds));
}

START_TEST(docker_hub_names)
{
        static const char *const hosts[] = { NULL, "", "docker.io", "index.docker.io", "Docker.IO",
                                             "registry-1.docker.io", "registry.hub.docker.com" };
        struct registry_target t;

        for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
                ck_assert_int_eq(registry_target(&cfg, hosts[i], "nginx", &t), 0);
                ck_assert_str_eq(t.host, "registry-1.docker.io");
                ck_assert_str_eq(t.name, "docker.io");
                ck_assert_str_eq(t.repository, "library/nginx");
                ck_assert(!t.loopback);
                ck_assert(!t.plain_http);
                ck_assert_ptr_null(t.ca_file);
        }
        ck_assert_int_eq(registry_target(&cfg, "docker.io", "library/nginx", &t), 0);
        ck_assert_str_eq(t.repository, "library/nginx");
        ck_assert_int_eq(registry_target(&cfg, "docker.io", "team/app", &t), 0);
        ck_assert_str_eq(t.repository, "team/app");
        /* another registry keeps its one-component names */
        ck_assert_int_eq(registry_target(&cfg, "ghcr.io", "app", &t), 0);
        ck_assert_str_eq(t.host, "ghcr.io");
        ck_assert_str_eq(t.repository, "app");
}
END_TEST

START_TEST(mirror_and_ca_file)
{
        struct registry_target t;

        creds[0] = (struct registry_cred){ .host = "docker.io", .mirror = "mirror.example:5000" };
        creds[1] = (struct registry_cred){ .host = "mirror.example:5000", .ca_file = "/etc/ssl/mirror.pem" };
        cfg.creds = creds;
        cfg.n_creds = 2;
        ck_assert_int_eq(registry_target(&cfg, "index.docker.io", "nginx", &t), 0);
        ck_assert_str_eq(t.host, "mirror.example:5000");
        ck_assert_str_eq(t.name, "docker.io");
        ck_assert_str_eq(t.repository, "library/nginx");
        ck_assert_str_eq(t.ca_file, "/etc/ssl/mirror.pem");
        /* other hosts are not mirrored */
        ck_assert_int_eq(registry_target(&cfg, "quay.io", "a/b", &t), 0);
        ck_assert_str_eq(t.host, "quay.io");
        ck_assert_ptr_null(t.ca_file);
}
END_TEST

START_TEST(loopback)
{
        static const char *const yes[] = { "127.0.0.1:5000", "127.1.2.3", "localhost:5000", "LOCALHOST",
                                           "[::1]:5000", "[::1]" };
        static const char *const no[] = { "128.0.0.1", "127.0.0.1.example.com", "127.0.0", "127..0.1",
                                          "localhost.example", "10.0.0.1:5000", "[::2]:5000", "r.example" };
        struct registry_target t;

        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                ck_assert_msg(registry_host_is_loopback(yes[i]), "%s", yes[i]);
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
                ck_assert_msg(!registry_host_is_loopback(no[i]), "%s", no[i]);
        ck_assert_int_eq(registry_target(&cfg, "127.0.0.1:5000", "it/app", &t), 0);
        ck_assert(t.loopback);
        /* https is tried first even there (registry.c falls back only
         * when the peer speaks no TLS) */
        ck_assert(!t.plain_http);
}
END_TEST

START_TEST(refused)
{
        struct registry_target t = { .host = "untouched" };

        ck_assert_int_eq(registry_target(&cfg, "https://r.example", "a", &t), -EINVAL);
        ck_assert_int_eq(registry_target(&cfg, "r.example", "A/B", &t), -EINVAL);
        ck_assert_int_eq(registry_target(&cfg, "r.example", "", &t), -EINVAL);
        ck_assert_int_eq(registry_target(&cfg, "r.example", NULL, &t), -EINVAL);
        ck_assert_str_eq(t.host, "untouched");
}
END_TEST

START_TEST(link_next)
{
        char path[64];

        ck_assert(registry_link_next("</v2/a/tags/list?n=2&last=b>; rel=\"next\"", false, "r.example", path,
                                     sizeof(path)));
        ck_assert_str_eq(path, "/v2/a/tags/list?n=2&last=b");
        ck_assert(registry_link_next("<https://r.example/v2/a/tags/list?last=b>; rel=next", false, "r.example",
                                     path, sizeof(path)));
        ck_assert_str_eq(path, "/v2/a/tags/list?last=b");
        ck_assert(registry_link_next("<http://127.0.0.1:5000/v2/a/tags/list?last=b>; rel=\"next\"", true,
                                     "127.0.0.1:5000", path, sizeof(path)));
        ck_assert_str_eq(path, "/v2/a/tags/list?last=b");
        /* another registry, another scheme, not the API, not next: none */
        ck_assert(!registry_link_next("<https://evil.example/v2/a/tags/list?last=b>; rel=\"next\"", false,
                                      "r.example", path, sizeof(path)));
        ck_assert(!registry_link_next("<http://r.example/v2/a/tags/list?last=b>; rel=\"next\"", false,
                                      "r.example", path, sizeof(path)));
        ck_assert(!registry_link_next("</etc/passwd>; rel=\"next\"", false, "r.example", path, sizeof(path)));
        ck_assert(!registry_link_next("</v2/a/tags/list?last=b>; rel=\"prev\"", false, "r.example", path,
                                      sizeof(path)));
        ck_assert(!registry_link_next("/v2/a/tags/list?last=b; rel=\"next\"", false, "r.example", path,
                                      sizeof(path)));
        ck_assert(!registry_link_next("</v2/a b>; rel=\"next\"", false, "r.example", path, sizeof(path)));
        /* a path that does not fit: none, not a cut one */
        ck_assert(!registry_link_next("</v2/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa>; rel=next",
                                      false, "r.example", path, sizeof(path)));
}
END_TEST

static Suite *registry_suite(void)
{
        Suite *s = suite_create("registry");
        TCase *tc = tcase_create("registry");

        tcase_add_checked_fixture(tc, setup, NULL);
        tcase_add_test(tc, docker_hub_names);
        tcase_add_test(tc, mirror_and_ca_file);
        tcase_add_test(tc, loopback);
        tcase_add_test(tc, refused);
        tcase_add_test(tc, link_next);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(registry_suite)
