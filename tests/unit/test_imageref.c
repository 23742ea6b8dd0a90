/* imageref: parsing and normalising references the way Docker does, and
 * deciding whether a container follows a pushed tag. */
#include "check_main.h"

#include <errno.h>
#include <string.h>

#include "event.h"
#include "imageref.h"
#include "bounds.h"

static void parses_to(const char *s, const char *registry, const char *repository,
                      const char *tag, const char *digest)
{
        struct imageref ref;
        int r = imageref_parse(s, &ref);

        ck_assert_msg(r == 0, "'%s' refused (%d)", s, r);
        ck_assert_str_eq(ref.registry, registry);
        ck_assert_str_eq(ref.repository, repository);
        ck_assert_str_eq(ref.tag, tag);
        ck_assert_str_eq(ref.digest, digest);
}

static void refused(const char *s)
{
        struct imageref ref;

        ck_assert_msg(imageref_parse(s, &ref) == -EINVAL, "'%s' accepted", s);
}

#define D32 "0123456789abcdef0123456789abcdef"
#define D512 D32 D32 D32 D32
#define D "sha256:4bcdffd70da292293d059d2435c7056711fab2655f8b74f48ad0abe042b63687"

START_TEST(docker_hub_defaults)
{
        parses_to("nginx", "docker.io", "library/nginx", "latest", "");
        parses_to("nginx:1.25", "docker.io", "library/nginx", "1.25", "");
        parses_to("user/app", "docker.io", "user/app", "latest", "");
        parses_to("user/app:v2", "docker.io", "user/app", "v2", "");
        parses_to("docker.io/nginx", "docker.io", "library/nginx", "latest", "");
        parses_to("docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", "");
        parses_to("docker.io/user/app", "docker.io", "user/app", "latest", "");
        /* the first component is a host only with '.', ':' or localhost */
        parses_to("my_org/app", "docker.io", "my_org/app", "latest", "");
}
END_TEST

START_TEST(hub_aliases)
{
        parses_to("index.docker.io/nginx", "docker.io", "library/nginx", "latest", "");
        parses_to("index.docker.io/user/app:1", "docker.io", "user/app", "1", "");
        parses_to("registry-1.docker.io/library/redis", "docker.io", "library/redis", "latest", "");
        parses_to("registry.hub.docker.com/user/app", "docker.io", "user/app", "latest", "");
        parses_to("Index.Docker.IO/nginx", "docker.io", "library/nginx", "latest", "");
}
END_TEST

START_TEST(other_registries)
{
        parses_to("registry.example.com:5000/team/app:stable",
                  "registry.example.com:5000", "team/app", "stable", "");
        parses_to("registry.example.com/app", "registry.example.com", "app", "latest", "");
        parses_to("localhost/app", "localhost", "app", "latest", "");
        parses_to("localhost:5000/app:dev", "localhost:5000", "app", "dev", "");
        parses_to("127.0.0.1:5000/a/b/c:tag", "127.0.0.1:5000", "a/b/c", "tag", "");
        parses_to("[::1]:5000/app", "[::1]:5000", "app", "latest", "");
        parses_to("ghcr.io/owner/repo", "ghcr.io", "owner/repo", "latest", "");
        /* hosts are lowercased, a single name is not library/ off the Hub */
        parses_to("Registry.Example.COM:5000/team/app", "registry.example.com:5000", "team/app", "latest", "");
        parses_to("quay.io/app", "quay.io", "app", "latest", "");
}
END_TEST

START_TEST(digests)
{
        parses_to("nginx@" D, "docker.io", "library/nginx", "", D);
        parses_to("nginx:1.25@" D, "docker.io", "library/nginx", "1.25", D);
        parses_to("127.0.0.1:5000/team/app@" D, "127.0.0.1:5000", "team/app", "", D);
        parses_to("127.0.0.1:5000/team/app:v1@" D, "127.0.0.1:5000", "team/app", "v1", D);
        parses_to("localhost:5000/app@sha512:" D512, "localhost:5000", "app", "", "sha512:" D512);
        parses_to("app@multihash+base58:" D32, "docker.io", "library/app", "", "multihash+base58:" D32);
}
END_TEST

START_TEST(invalid)
{
        char s[IMAGE_REF_MAX + 10];

        refused("");
        refused(" ");
        refused("ngi nx");
        refused("nginx ");
        refused(" nginx");
        refused("nginx\t");
        refused("nginx\n");
        refused("ngin\x7fx");
        refused("ngin\xc3\xa9x");       /* not ASCII */
        refused("nginx:");              /* trailing colon */
        refused("127.0.0.1:5000/app:");
        refused("Nginx");               /* uppercase repository */
        refused("user/App");
        refused("registry.example.com/Team/app");
        refused("nginx@");              /* digest without algorithm */
        refused("nginx@abcdef");
        refused("nginx@sha256:");
        refused("nginx@sha256:xyz" D32);
        refused("nginx@sha256:" D32 "g");
        refused("nginx@sha256:0123456789abcdef0123456789abcde");     /* 31 digits */
        refused("nginx@:" D32);
        refused("nginx@1sha:" D32);
        refused("nginx@sha256/x:" D32);
        /* the OCI grammar: a lowercase algorithm, lowercase hex, and the
         * registered algorithms' exact lengths */
        refused("nginx@SHA256:" D32 D32);
        refused("nginx@sha256:0123456789abcdef0123456789ABCDEF" D32);
        refused("nginx@sha256:" D32 D32 "0");
        refused("nginx@sha256:" D32 "0123456789abcdef0123456789abcde");
        refused("localhost:5000/app@sha512:" D32);
        refused("nginx@x y:" D32);
        refused("nginx@sha-:" D32);
        refused("registry.example.com/");       /* no repository */
        refused(":tag");
        refused("@" D);

        /* over-long, as a whole */
        memset(s, 'a', sizeof(s) - 1);
        s[sizeof(s) - 1] = '\0';
        refused(s);
        s[IMAGE_REF_MAX] = '\0';
        refused(s);
}
END_TEST

/* What Docker's reference grammar refuses beyond the obvious. */
START_TEST(grammar)
{
        /* repository path components */
        refused("a//b");
        refused("/nginx");
        refused("nginx/");
        refused("-app");
        refused("app-");
        refused("user/.app");
        refused("a..b/c/d");            /* not a host, not a component */
        refused("user/a___b");
        refused("user/a.-b");
        refused("user/app!");
        parses_to("user/a__b", "docker.io", "user/a__b", "latest", "");
        parses_to("user/a---b.c_d", "docker.io", "user/a---b.c_d", "latest", "");
        parses_to("localhost/0/1-2", "localhost", "0/1-2", "latest", "");

        /* tags */
        refused("app:-x");
        refused("app:.x");
        refused("app:t!g");
        refused("app:a:b");
        parses_to("app:_x.Y-1", "docker.io", "library/app", "_x.Y-1", "");

        /* hosts */
        refused("localhost:abc/app");
        refused("localhost:/app");
        refused("-reg.example.com/app");
        refused("reg-.example.com/app");
        refused("reg..example.com/app");
        refused(".example.com/app");
        refused("[]:5000/app");
        refused("[::1/app");
        refused("reg_istry.example.com/app");
        parses_to("my-reg.example.com:443/app", "my-reg.example.com:443", "app", "latest", "");
        parses_to("[2001:db8::1]/app", "[2001:db8::1]", "app", "latest", "");
        parses_to("10.0.0.1:5000/app", "10.0.0.1:5000", "app", "latest", "");
}
END_TEST

/* Each component against its buffer: the longest that fits, one more. */
START_TEST(component_limits)
{
        struct imageref ref;
        char s[IMAGE_REF_MAX];
        size_t n;

        /* repository: "localhost/" + n */
        n = sizeof(ref.repository) - 1;
        strcpy(s, "localhost/");
        memset(s + 10, 'r', n);
        s[10 + n] = '\0';
        ck_assert_int_eq(imageref_parse(s, &ref), 0);
        ck_assert_uint_eq(strlen(ref.repository), n);
        s[10 + n] = 'r';
        s[10 + n + 1] = '\0';
        ck_assert_int_eq(imageref_parse(s, &ref), -EINVAL);

        /* a Hub official name gets "library/" in front, within the limit */
        n = sizeof(ref.repository) - 1 - strlen("library/");
        memset(s, 'r', n);
        s[n] = '\0';
        ck_assert_int_eq(imageref_parse(s, &ref), 0);
        ck_assert_uint_eq(strlen(ref.repository), sizeof(ref.repository) - 1);
        s[n] = 'r';
        s[n + 1] = '\0';
        ck_assert_int_eq(imageref_parse(s, &ref), -EINVAL);

        /* tag */
        n = sizeof(ref.tag) - 1;
        strcpy(s, "app:");
        memset(s + 4, 't', n);
        s[4 + n] = '\0';
        ck_assert_int_eq(imageref_parse(s, &ref), 0);
        ck_assert_uint_eq(strlen(ref.tag), n);
        s[4 + n] = 't';
        s[4 + n + 1] = '\0';
        ck_assert_int_eq(imageref_parse(s, &ref), -EINVAL);

        /* registry host: "hhhh.hhhhhhh.hhhhhhh...", ending in a letter */
        n = sizeof(ref.registry) - 1;
        for (size_t i = 0; i <= n; i++)
                s[i] = i % 8 == 4 ? '.' : 'h';
        strcpy(s + n, "/app");
        ck_assert_int_eq(imageref_parse(s, &ref), 0);
        ck_assert_uint_eq(strlen(ref.registry), n);
        for (size_t i = 0; i <= n; i++)
                s[i] = i % 8 == 4 ? '.' : 'h';
        strcpy(s + n + 1, "/app");
        ck_assert_int_eq(imageref_parse(s, &ref), -EINVAL);
}
END_TEST

START_TEST(normalise_host)
{
        char h[REGISTRY_HOST_MAX];

        strcpy(h, "INDEX.DOCKER.IO");
        imageref_normalise_host(h);
        ck_assert_str_eq(h, "docker.io");
        strcpy(h, "registry-1.docker.io");
        imageref_normalise_host(h);
        ck_assert_str_eq(h, "docker.io");
        strcpy(h, "Registry.Example.com:5000");
        imageref_normalise_host(h);
        ck_assert_str_eq(h, "registry.example.com:5000");
        strcpy(h, "docker.io:443");     /* not one of the Hub's names */
        imageref_normalise_host(h);
        ck_assert_str_eq(h, "docker.io:443");
}
END_TEST

static void formats_as(const char *in, const char *out)
{
        struct imageref ref;
        char buf[IMAGE_REF_MAX];

        ck_assert_int_eq(imageref_parse(in, &ref), 0);
        ck_assert_int_eq(imageref_format(&ref, buf, sizeof(buf)), 0);
        ck_assert_str_eq(buf, out);
}

START_TEST(format)
{
        struct imageref ref;
        char small[sizeof("docker.io/library/nginx:latest")];

        formats_as("nginx", "docker.io/library/nginx:latest");
        formats_as("user/app:v1", "docker.io/user/app:v1");
        formats_as("Registry.Example.com:5000/team/app:stable", "registry.example.com:5000/team/app:stable");
        formats_as("nginx@" D, "docker.io/library/nginx@" D);
        formats_as("localhost:5000/app:v1@" D, "localhost:5000/app:v1@" D);
        formats_as("docker.io/library/nginx:latest", "docker.io/library/nginx:latest");

        ck_assert_int_eq(imageref_parse("nginx", &ref), 0);
        /* exactly enough, one byte short, far too short */
        ck_assert_int_eq(imageref_format(&ref, small, sizeof(small)), 0);
        ck_assert_str_eq(small, "docker.io/library/nginx:latest");
        ck_assert_int_eq(imageref_format(&ref, small, sizeof(small) - 1), -ENOSPC);
        ck_assert_int_eq(imageref_format(&ref, small, 8), -ENOSPC);
}
END_TEST

static bool matches(const char *image, const char *registry, const char *repository,
                    const char *tag, const char *digest)
{
        struct imageref ref;
        struct push_event ev;

        ck_assert_int_eq(imageref_parse(image, &ref), 0);
        ck_assert_int_eq(push_event_set(&ev, registry, repository, tag, digest, NULL, NULL), 0);
        return imageref_matches_push(&ref, &ev);
}

START_TEST(matches_push)
{
        ck_assert(matches("127.0.0.1:5000/team/app:stable", "127.0.0.1:5000", "team/app", "stable", D));
        ck_assert(matches("127.0.0.1:5000/team/app:stable", "127.0.0.1:5000", "team/app", "stable", NULL));
        ck_assert(matches("localhost:5000/app", "localhost:5000", "app", "latest", NULL));
        ck_assert(matches("Registry.Example.com/app:1", "registry.example.com", "app", "1", NULL));
        ck_assert(matches("registry.example.com/app:1", "Registry.EXAMPLE.com", "app", "1", NULL));

        /* the port is part of the host */
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "127.0.0.1", "team/app", "stable", NULL));
        ck_assert(!matches("127.0.0.1/team/app:stable", "127.0.0.1:5000", "team/app", "stable", NULL));
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "127.0.0.1:5001", "team/app", "stable", NULL));
        ck_assert(!matches("localhost:5000/app", "127.0.0.1:5000", "app", "latest", NULL));

        /* another tag, another repository */
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "127.0.0.1:5000", "team/app", "latest", NULL));
        ck_assert(!matches("127.0.0.1:5000/team/app", "127.0.0.1:5000", "team/app", "stable", NULL));
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "127.0.0.1:5000", "team/app2", "stable", NULL));
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "127.0.0.1:5000", "app", "stable", NULL));
}
END_TEST

START_TEST(matches_docker_hub)
{
        /* official images, with and without library/ in the event */
        ck_assert(matches("nginx", "docker.io", "library/nginx", "latest", NULL));
        ck_assert(matches("nginx", "docker.io", "nginx", "latest", NULL));
        ck_assert(matches("nginx:1.25", "index.docker.io", "nginx", "1.25", NULL));
        ck_assert(matches("docker.io/library/nginx:1.25", "registry-1.docker.io", "library/nginx", "1.25", NULL));
        ck_assert(!matches("nginx:1.25", "docker.io", "nginx", "1.26", NULL));
        ck_assert(!matches("nginx", "docker.io", "library/redis", "latest", NULL));
        ck_assert(!matches("user/nginx", "docker.io", "nginx", "latest", NULL));
        ck_assert(matches("user/app", "docker.io", "user/app", "latest", NULL));
        ck_assert(!matches("user/app", "docker.io", "other/app", "latest", NULL));
        /* "nginx" on another registry is not library/nginx */
        ck_assert(!matches("nginx", "ghcr.io", "nginx", "latest", NULL));
        ck_assert(!matches("ghcr.io/library/nginx", "ghcr.io", "nginx", "latest", NULL));
}
END_TEST

START_TEST(digest_pinned_never_matches)
{
        ck_assert(!matches("nginx@" D, "docker.io", "library/nginx", "latest", D));
        ck_assert(!matches("nginx:latest@" D, "docker.io", "library/nginx", "latest", D));
        ck_assert(!matches("127.0.0.1:5000/app:v1@" D, "127.0.0.1:5000", "app", "v1", NULL));
        ck_assert(!matches("127.0.0.1:5000/app:v1@" D, "", "app", "v1", NULL));
}
END_TEST

START_TEST(matches_any_host)
{
        /* an event without a host (match-host = any) names no registry */
        ck_assert(matches("127.0.0.1:5000/team/app:stable", "", "team/app", "stable", NULL));
        ck_assert(matches("registry.example.com/app:1", "", "app", "1", NULL));
        ck_assert(matches("nginx", "", "nginx", "latest", NULL));
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "", "team/app", "latest", NULL));
        ck_assert(!matches("127.0.0.1:5000/team/app:stable", "", "other/app", "stable", NULL));
}
END_TEST

/* One grammar for references and push events: push_event_set takes
 * what imageref_valid_* take, and no more (a digest with anything before
 * ':' was a push event's once), with each limit at n and n+1. */
START_TEST(one_validator)
{
        struct push_event ev;
        char tag[TAG_MAX + 1], repo[REPOSITORY_MAX + 1];

        ck_assert(imageref_valid_digest(D));
        ck_assert(!imageref_valid_digest("x y:" D32));
        ck_assert(!imageref_valid_digest("<3>:" D32));
        ck_assert(!imageref_valid_digest(":" D32));
        ck_assert_int_eq(push_event_set(&ev, "r.example:5000", "a/b", "t", D, NULL, NULL), 0);
        ck_assert_int_eq(push_event_set(&ev, "r.example:5000", "a/b", "t", "x y:" D32, NULL, NULL), -EINVAL);
        ck_assert_int_eq(push_event_set(&ev, "r.example:5000", "a/b", "t", "sha256:abcdef", NULL, NULL), -EINVAL);
        ck_assert_int_eq(push_event_set(&ev, "r.example:5000", "A/b", "t", "", NULL, NULL), -EINVAL);
        ck_assert_int_eq(push_event_set(&ev, "r.example:5000\n", "a/b", "t", "", NULL, NULL), -EINVAL);
        ck_assert_int_eq(push_event_set(&ev, "", "a/b", "t", "", NULL, NULL), 0);
        memset(tag, 'x', sizeof(tag));
        tag[TAG_MAX - 1] = '\0';
        ck_assert(imageref_valid_tag(tag));
        tag[TAG_MAX - 1] = 'x';
        tag[TAG_MAX] = '\0';
        ck_assert(!imageref_valid_tag(tag));
        memset(repo, 'a', sizeof(repo));
        repo[REPOSITORY_MAX - 1] = '\0';
        ck_assert(imageref_valid_repository(repo));
        repo[REPOSITORY_MAX - 1] = 'a';
        repo[REPOSITORY_MAX] = '\0';
        ck_assert(!imageref_valid_repository(repo));
}
END_TEST

static Suite *imageref_suite(void)
{
        Suite *s = suite_create("imageref");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, docker_hub_defaults);
        tcase_add_test(tc, hub_aliases);
        tcase_add_test(tc, other_registries);
        tcase_add_test(tc, digests);
        tcase_add_test(tc, invalid);
        tcase_add_test(tc, grammar);
        tcase_add_test(tc, component_limits);
        tcase_add_test(tc, normalise_host);
        tcase_add_test(tc, format);
        tcase_add_test(tc, matches_push);
        tcase_add_test(tc, matches_docker_hub);
        tcase_add_test(tc, digest_pinned_never_matches);
        tcase_add_test(tc, matches_any_host);
        tcase_add_test(tc, one_validator);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(imageref_suite)
