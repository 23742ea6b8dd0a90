/* regauth: credentials from redock.conf, from config.json auths in every
 * key spelling, and from real docker-credential-* programs (shell scripts
 * this suite writes into a temporary directory first on PATH); each
 * header is decoded and its JSON checked field by field. */
#include "check_main.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "config.h"
#include "regauth.h"

#define HUB "https://index.docker.io/v1/"
#define REG "reg.example:5000"

static char dir[64];
static char json_path[128];
static char got_path[128];
static struct config cfg;
static struct registry_cred cred;

static void write_file(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "w");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(path, mode), 0);
}

static void helper(const char *name, const char *body)
{
        char path[256], text[4096];

        snprintf(path, sizeof(path), "%s/docker-credential-%s", dir, name);
        snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);
        write_file(path, text, 0755);
}

static void config_json(const char *text)
{
        write_file(json_path, text, 0600);
}

static void setup(void)
{
        char path[4096], body[1024];
        const char *old = getenv("PATH");

        snprintf(dir, sizeof(dir), "/tmp/test_regauth.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(json_path, sizeof(json_path), "%s/config.json", dir);
        snprintf(got_path, sizeof(got_path), "%s/got", dir);
        memset(&cfg, 0, sizeof(cfg));
        cfg.docker_config = json_path;
        memset(&cred, 0, sizeof(cred));

        /* a helper as the docker CLI runs it: "get", the address on stdin */
        snprintf(body, sizeof(body),
                 "[ \"$1\" = get ] || exit 2\n"
                 "server=$(cat)\n"
                 "printf '%%s' \"$server\" > '%s'\n"
                 "case $server in\n"
                 REG ") printf '{\"ServerURL\":\"%%s\",\"Username\":\"huser\",\"Secret\":\"h:se/cr+et\"}\\n' \"$server\" ;;\n"
                 "tok.example) printf '{\"ServerURL\":\"%%s\",\"Username\":\"<token>\",\"Secret\":\"idtok\"}' \"$server\" ;;\n"
                 HUB ") printf '{\"ServerURL\":\"%%s\",\"Username\":\"hubuser\",\"Secret\":\"hubpass\"}' \"$server\" ;;\n"
                 "*) echo 'credentials not found in native keychain'; exit 1 ;;\n"
                 "esac", got_path);
        helper("fake", body);
        helper("broken", "echo 'the-secret-it-got' >&2; echo oops; exit 3");
        helper("big", "head -c 100000 /dev/zero | tr '\\0' a");
        helper("hang", "cat >/dev/null; sleep 30");
        helper("notjson", "cat >/dev/null; echo 'Username: x'");
        snprintf(path, sizeof(path), "%s:%s", dir, old ? old : "/usr/bin:/bin");
        setenv("PATH", path, 1);
}

static void teardown(void)
{
        rm_tree(dir);
}

/* The X-Registry-Auth value for host, decoded: base64url only, padded,
 * and a JSON object.  NULL when there are no credentials. */
static json_t *lookup(const char *host)
{
        char *hdr = (char *)1, *std;
        unsigned char *raw;
        size_t n;
        json_t *j;
        int r = regauth_for_host(&cfg, host, &hdr);

        ck_assert_int_eq(r, 0);
        if (!hdr)
                return NULL;
        n = strlen(hdr);
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_eq(n % 4, 0);
        ck_assert_uint_eq(strspn(hdr, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="), n);
        std = strdup(hdr);
        for (char *p = std; *p; p++)
                *p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
        raw = calloc(1, BASE64_DECODE_LENGTH(n) + 1);
        {
                /* Nettle's decoder, not redock's own */
                struct base64_decode_ctx ctx;
                size_t got = 0;

                base64_decode_init(&ctx);
                ck_assert(base64_decode_update(&ctx, &got, raw, n, std));
                ck_assert(base64_decode_final(&ctx));
        }
        j = json_loads((char *)raw, 0, NULL);
        ck_assert_msg(json_is_object(j), "not a JSON object: %s", raw);
        free(raw);
        free(std);
        regauth_free(hdr);
        return j;
}

static void assert_user(json_t *j, const char *user, const char *pass, const char *server)
{
        ck_assert_ptr_nonnull(j);
        ck_assert_str_eq(json_string_value(json_object_get(j, "username")), user);
        ck_assert_str_eq(json_string_value(json_object_get(j, "password")), pass);
        ck_assert_str_eq(json_string_value(json_object_get(j, "serveraddress")), server);
        ck_assert_ptr_null(json_object_get(j, "identitytoken"));
        ck_assert_uint_eq(json_object_size(j), 3);
        json_decref(j);
}

static void assert_token(json_t *j, const char *token, const char *server)
{
        ck_assert_ptr_nonnull(j);
        ck_assert_str_eq(json_string_value(json_object_get(j, "identitytoken")), token);
        ck_assert_str_eq(json_string_value(json_object_get(j, "serveraddress")), server);
        ck_assert_ptr_null(json_object_get(j, "username"));
        ck_assert_ptr_null(json_object_get(j, "password"));
        ck_assert_uint_eq(json_object_size(j), 2);
        json_decref(j);
}

static int lookup_error(const char *host)
{
        char *hdr = (char *)1;
        int r = regauth_for_host(&cfg, host, &hdr);

        ck_assert_ptr_null(hdr);
        return r;
}

static void assert_got(const char *want)
{
        char buf[256] = "";
        FILE *f = fopen(got_path, "r");

        ck_assert_msg(f != NULL, "the helper was not run");
        ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
        fclose(f);
        ck_assert_str_eq(buf, want);
}

START_TEST(config_section_wins)
{
        cred.host = (char *)REG;
        cred.username = (char *)"cuser";
        cred.password = (char *)"c\"pa\\ss";
        cfg.creds = &cred;
        cfg.n_creds = 1;
        /* config.json has other credentials and a helper for the host */
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"YXVzZXI6YXBhc3M=\"}},"
                    "\"credHelpers\":{\"" REG "\":\"fake\"},\"credsStore\":\"fake\"}");
        assert_user(lookup(REG), "cuser", "c\"pa\\ss", REG);
        ck_assert_int_ne(access(got_path, F_OK), 0);    /* no helper ran */
        /* another host still goes to config.json */
        config_json("{\"auths\":{\"other.example\":{\"auth\":\"YXVzZXI6YXBhc3M=\"}}}");
        assert_user(lookup("other.example"), "auser", "apass", "other.example");
}
END_TEST

START_TEST(config_section_host_spellings)
{
        static const char *const hosts[] = { "REG.example:5000", "https://reg.example:5000/", "http://reg.example:5000" };

        cfg.creds = &cred;
        cfg.n_creds = 1;
        cred.username = (char *)"cuser";
        cred.password = (char *)"cpass";
        for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
                cred.host = (char *)hosts[i];
                assert_user(lookup(REG), "cuser", "cpass", REG);
        }
        cred.host = (char *)"index.docker.io";
        assert_user(lookup("docker.io"), "cuser", "cpass", HUB);
        cred.host = (char *)"reg.example:5001";
        ck_assert_ptr_null(lookup(REG));
}
END_TEST

START_TEST(auths_key_spellings)
{
        static const char *const keys[] = {
                REG, "https://" REG, "http://" REG, "https://" REG "/v1/", "REG.Example:5000",
        };
        char text[512];

        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                /* "auser:ap:ss" */
                snprintf(text, sizeof(text),
                         "{\"auths\":{\"reg.example:5001\":{\"auth\":\"d3Jvbmc6d3Jvbmc=\"},"
                         "\"%s\":{\"auth\":\"YXVzZXI6YXA6c3M=\"}}}", keys[i]);
                config_json(text);
                assert_user(lookup(REG), "auser", "ap:ss", REG);
        }
        /* a key for the host with another port is another registry */
        config_json("{\"auths\":{\"reg.example\":{\"auth\":\"YXVzZXI6YXA6c3M=\"},"
                    "\"https://reg.example:5001/v1/\":{\"auth\":\"YXVzZXI6YXA6c3M=\"}}}");
        ck_assert_ptr_null(lookup(REG));
}
END_TEST

START_TEST(auths_base64)
{
        /* unpadded "u:p" is "dTpw"; "user:pw" padded and unpadded */
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"dTpw\"}}}");
        assert_user(lookup(REG), "u", "p", REG);
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"dXNlcjpwdw==\"}}}");
        assert_user(lookup(REG), "user", "pw", REG);
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"dXNlcjpwdw\"}}}");
        assert_user(lookup(REG), "user", "pw", REG);
        /* not base64, or no ':' in it ("user" alone): an error, no header */
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"!!notbase64\"}}}");
        ck_assert_int_lt(lookup_error(REG), 0);
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"dXNlcg==\"}}}");
        ck_assert_int_lt(lookup_error(REG), 0);
}
END_TEST

START_TEST(auths_fields)
{
        config_json("{\"auths\":{\"" REG "\":{\"username\":\"fuser\",\"password\":\"fpass\"}}}");
        assert_user(lookup(REG), "fuser", "fpass", REG);
        /* an identity token wins over the auth next to it */
        config_json("{\"auths\":{\"" REG "\":{\"auth\":\"dTo=\",\"identitytoken\":\"itok\"}}}");
        assert_token(lookup(REG), "itok", REG);
        /* an empty entry (a credsStore placeholder) is no credentials */
        config_json("{\"auths\":{\"" REG "\":{}}}");
        ck_assert_ptr_null(lookup(REG));
}
END_TEST

START_TEST(hub_aliases)
{
        static const char *const hosts[] = {
                "docker.io", "index.docker.io", "registry-1.docker.io", HUB, "",
        };

        config_json("{\"auths\":{\"" HUB "\":{\"auth\":\"aHViOmh1YnB3\"}}}");  /* hub:hubpw */
        for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
                assert_user(lookup(hosts[i]), "hub", "hubpw", HUB);
        ck_assert_ptr_null(lookup(REG));
        /* and keyed under another of its names */
        config_json("{\"auths\":{\"docker.io\":{\"auth\":\"aHViOmh1YnB3\"}}}");
        assert_user(lookup("index.docker.io"), "hub", "hubpw", HUB);
        assert_user(lookup(NULL), "hub", "hubpw", HUB);
}
END_TEST

START_TEST(cred_helpers)
{
        /* the helper for the host beats the auths entry next to it */
        config_json("{\"credHelpers\":{\"" REG "\":\"fake\",\"tok.example\":\"fake\"},"
                    "\"auths\":{\"" REG "\":{\"auth\":\"YXVzZXI6YXBhc3M=\"}}}");
        assert_user(lookup(REG), "huser", "h:se/cr+et", REG);
        assert_got(REG);
        /* Username <token>: the secret is an identity token */
        assert_token(lookup("tok.example"), "idtok", "tok.example");
        assert_got("tok.example");
        /* hosts without a helper do not run one */
        unlink(got_path);
        ck_assert_ptr_null(lookup("other.example"));
        ck_assert_int_ne(access(got_path, F_OK), 0);
}
END_TEST

START_TEST(cred_helpers_not_found_falls_through)
{
        config_json("{\"credHelpers\":{\"nothere.example\":\"fake\"},"
                    "\"auths\":{\"nothere.example\":{\"auth\":\"YXVzZXI6YXBhc3M=\"}}}");
        assert_user(lookup("nothere.example"), "auser", "apass", "nothere.example");
        assert_got("nothere.example");
}
END_TEST

START_TEST(creds_store)
{
        config_json("{\"credsStore\":\"fake\",\"auths\":{\"" REG "\":{},\"" HUB "\":{}}}");
        assert_user(lookup(REG), "huser", "h:se/cr+et", REG);
        assert_got(REG);
        /* Docker Hub is asked for under its index address */
        assert_user(lookup("registry-1.docker.io"), "hubuser", "hubpass", HUB);
        assert_got(HUB);
        /* the helper knows nothing of this one: no credentials, no error */
        ck_assert_ptr_null(lookup("other.example"));
        assert_got("other.example");
        /* a real auths entry is used before the store */
        unlink(got_path);
        config_json("{\"credsStore\":\"fake\",\"auths\":{\"" REG "\":{\"auth\":\"YXVzZXI6YXBhc3M=\"}}}");
        assert_user(lookup(REG), "auser", "apass", REG);
        ck_assert_int_ne(access(got_path, F_OK), 0);
}
END_TEST

START_TEST(helper_failures)
{
        config_json("{\"credsStore\":\"nosuch\"}");
        ck_assert_int_eq(lookup_error(REG), -ENOENT);
        config_json("{\"credsStore\":\"broken\"}");
        ck_assert_int_eq(lookup_error(REG), -EIO);
        config_json("{\"credsStore\":\"big\"}");
        ck_assert_int_eq(lookup_error(REG), -EMSGSIZE);
        config_json("{\"credsStore\":\"notjson\"}");
        ck_assert_int_eq(lookup_error(REG), -EPROTO);
        /* names that are not a plain program name are never run */
        config_json("{\"credsStore\":\"../fake\"}");
        ck_assert_int_eq(lookup_error(REG), -EINVAL);
        config_json("{\"credHelpers\":{\"" REG "\":\"a/b\"}}");
        ck_assert_int_eq(lookup_error(REG), -EINVAL);
}
END_TEST

START_TEST(helper_timeout)
{
        struct timespec t0, t1;
        double s;

        config_json("{\"credsStore\":\"hang\"}");
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ck_assert_int_eq(lookup_error(REG), -ETIMEDOUT);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ck_assert_msg(s >= 9.5 && s < 15, "took %.1f s", s);
}
END_TEST

START_TEST(no_credentials)
{
        /* no config.json at all: not an error */
        ck_assert_ptr_null(lookup(REG));
        cfg.docker_config = (char *)"";
        ck_assert_ptr_null(lookup(REG));
        cfg.docker_config = NULL;
        ck_assert_ptr_null(lookup(REG));
        cfg.docker_config = (char *)"/nonexistent/dir/config.json";
        ck_assert_ptr_null(lookup(REG));
        cfg.docker_config = json_path;
        config_json("{}");
        ck_assert_ptr_null(lookup(REG));
        config_json("{\"auths\":{\"other.example\":{\"auth\":\"YXVzZXI6YXBhc3M=\"}},\"credHelpers\":{\"x.example\":\"fake\"}}");
        ck_assert_ptr_null(lookup(REG));
}
END_TEST

START_TEST(bad_config_json)
{
        config_json("{\"auths\": {");
        ck_assert_int_lt(lookup_error(REG), 0);
        config_json("[]");
        ck_assert_int_lt(lookup_error(REG), 0);
        cfg.docker_config = dir;        /* a directory */
        ck_assert_int_lt(lookup_error(REG), 0);
}
END_TEST

START_TEST(base64url_alphabet)
{
        char *hdr = NULL;

        /* a run of '?' always has a 3-byte group that is "Pz8/" in the
         * standard alphabet, and '>' ones with a '+' */
        cred.host = (char *)REG;
        cred.username = (char *)">>>>>>>>>>";
        cred.password = (char *)"??????????";
        cfg.creds = &cred;
        cfg.n_creds = 1;
        ck_assert_int_eq(regauth_for_host(&cfg, REG, &hdr), 0);
        ck_assert_ptr_nonnull(hdr);
        ck_assert_ptr_null(strchr(hdr, '/'));
        ck_assert_ptr_null(strchr(hdr, '+'));
        ck_assert_ptr_nonnull(strchr(hdr, '_'));
        regauth_free(hdr);
        assert_user(lookup(REG), ">>>>>>>>>>", "??????????", REG);
}
END_TEST

static Suite *regauth_suite(void)
{
        Suite *s = suite_create("regauth");
        TCase *tc = tcase_create("lookup");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, config_section_wins);
        tcase_add_test(tc, config_section_host_spellings);
        tcase_add_test(tc, auths_key_spellings);
        tcase_add_test(tc, auths_base64);
        tcase_add_test(tc, auths_fields);
        tcase_add_test(tc, hub_aliases);
        tcase_add_test(tc, cred_helpers);
        tcase_add_test(tc, cred_helpers_not_found_falls_through);
        tcase_add_test(tc, creds_store);
        tcase_add_test(tc, helper_failures);
        tcase_add_test(tc, helper_timeout);
        tcase_add_test(tc, no_credentials);
        tcase_add_test(tc, bad_config_json);
        tcase_add_test(tc, base64url_alphabet);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(regauth_suite)
