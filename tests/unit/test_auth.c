/* auth: the constant-time compare and every way a source's secret may
 * arrive, on requests and sources built by hand. */
#include "check_main.h"

#include <dlfcn.h>
#include <string.h>

#include <nettle/sha2.h>

#include "auth.h"
#include "cidr.h"
#include "config.h"
#include "http.h"

#define TOKEN "T0ken/x"

/* GitHub's published example: secret, payload, X-Hub-Signature-256 */
#define GH_SECRET "It's a Secret to Everybody"
#define GH_BODY   "Hello, World!"
#define GH_SHA256 "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
/* the same HMAC with other digests and encodings (openssl dgst -hmac) */
#define GH_SHA1       "01dc10d0c83e72ed246219cdd91669667fe2ca59"
#define GH_SHA256_B64 "dXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc="
#define GH_SHA512_B64 "Ee01WmF+mBNOhCASp5RMz1nBAlbLGCNXvX46QgE/8Hw3b4wUz1zBkj2iC1HWQlay+4678QCqZ6YTJvYf6oERvA=="

static struct source src;
static struct http_request req;

static void setup(void)
{
        memset(&src, 0, sizeof(src));
        src.name = (char *)"reg";
        src.token = (char *)TOKEN;
        src.auth = AUTH_TOKEN;
        src.hmac_bits = 256;
        memset(&req, 0, sizeof(req));
        strcpy(req.method, "POST");
        req.path = (char *)"/hooks/reg";
        strcpy(req.remote_addr, "192.0.2.7");
}

/* Headers point at literals; req is never passed to http_request_free. */
static void header(const char *name, const char *value)
{
        ck_assert_uint_lt(req.n_headers, HTTP_MAX_HEADERS);
        req.headers[req.n_headers].name = (char *)name;
        req.headers[req.n_headers].value = (char *)value;
        req.n_headers++;
}

static bool with_authz(const char *value)
{
        req.n_headers = 0;
        header("Authorization", value);
        return auth_check(&src, &req);
}

static bool with_query(const char *query)
{
        req.query = (char *)query;
        return auth_check(&src, &req);
}

/* ---- what the compare is made of ----------------------------------------
 * Nettle's memeql_sec and sha256_update are interposed (the test binary's
 * definitions win over libnettle's), so the tests see every compare auth.c makes and
 * every length it hashes.  A memcmp/strcmp-style compare, an early exit
 * on a length mismatch, or a compare of the raw strings fails them. */

#define MAX_CALLS 64
static struct {
        int cmp_calls;
        size_t cmp_len[MAX_CALLS];
        int sha_calls;
        size_t sha_len[MAX_CALLS];
} seen;

/* 1 when equal, as Nettle's */
int nettle_memeql_sec(const void *a, const void *b, size_t len)
{
        const volatile unsigned char *x = a, *y = b;
        unsigned char d = 0;

        if (seen.cmp_calls < MAX_CALLS)
                seen.cmp_len[seen.cmp_calls] = len;
        seen.cmp_calls++;
        for (size_t i = 0; i < len; i++)
                d |= x[i] ^ y[i];
        return d == 0;
}

void nettle_sha256_update(struct sha256_ctx *ctx, size_t n, const uint8_t *d)
{
        static void (*real)(struct sha256_ctx *, size_t, const uint8_t *);

        if (!real)
                *(void **)&real = dlsym(RTLD_NEXT, "nettle_sha256_update");
        ck_assert_ptr_nonnull(real);
        if (seen.sha_calls < MAX_CALLS)
                seen.sha_len[seen.sha_calls] = n;
        seen.sha_calls++;
        real(ctx, n, d);
}

static void reset_seen(void)
{
        memset(&seen, 0, sizeof(seen));
}

/* every compare was of two SHA-256 digests, whole */
static void assert_digest_compares(int at_least)
{
        ck_assert_int_ge(seen.cmp_calls, at_least);
        ck_assert_int_le(seen.cmp_calls, MAX_CALLS);
        for (int i = 0; i < seen.cmp_calls; i++)
                ck_assert_uint_eq(seen.cmp_len[i], SHA256_DIGEST_SIZE);
}

static bool sha_saw(size_t len)
{
        for (int i = 0; i < seen.sha_calls && i < MAX_CALLS; i++)
                if (seen.sha_len[i] == len)
                        return true;
        return false;
}

START_TEST(compare_is_constant_time)
{
        static const char real[] = "0123456789abcdef0123456789abcdef0123456789";
        char near[sizeof(real)], far[sizeof(real)];
        const size_t n = sizeof(real) - 1;

        memcpy(near, real, sizeof(real));
        near[n - 1] = 'X';                      /* all but the last byte */
        memset(far, 'Z', n);                    /* no byte in common */
        far[n] = '\0';

        /* the same work whatever is compared: both sides hashed in full,
         * one memeql_sec of the two digests */
        const struct { const char *s; size_t len; } tries[] = {
                { real, n }, { near, n }, { far, n },
                { real, n - 1 },                /* a prefix */
                { "", 0 }, { "x", 1 },
                { far, n },
        };
        for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
                reset_seen();
                ck_assert(secret_equal(tries[i].s, tries[i].len, real, n) == (i == 0));
                ck_assert_int_eq(seen.cmp_calls, 1);
                ck_assert_uint_eq(seen.cmp_len[0], SHA256_DIGEST_SIZE);
                ck_assert_int_eq(seen.sha_calls, 2);
                ck_assert(sha_saw(tries[i].len));
                ck_assert(sha_saw(n));
        }
        /* a longer guess is hashed whole too, not cut to the secret's length */
        {
                char longer[4 * sizeof(real)];
                memset(longer, 'a', sizeof(longer));
                memcpy(longer, real, n);
                reset_seen();
                ck_assert(!secret_equal(longer, sizeof(longer), real, n));
                ck_assert(sha_saw(sizeof(longer)));
                ck_assert_int_eq(seen.cmp_calls, 1);
                ck_assert_uint_eq(seen.cmp_len[0], SHA256_DIGEST_SIZE);
        }
}
END_TEST

/* Through auth_check: a wrong token, near or far, of any length, and a
 * wrong signature, are only ever compared as digests. */
START_TEST(auth_check_compares_digests)
{
        static const char *const wrong[] = {
                "Bearer T0ken/y", "Bearer T0ken/", "Bearer ZZZZZZZ", "Bearer T0ken/xx",
                "Basic Y2k6VDBrZQ==", "T0ken/y", "",
        };

        for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
                reset_seen();
                ck_assert(!with_authz(wrong[i]));
                assert_digest_compares(1);
        }
        reset_seen();
        ck_assert(with_authz("Bearer " TOKEN));
        assert_digest_compares(1);

        req.n_headers = 0;
        reset_seen();
        ck_assert(!with_query("token=T0ken%2Fy"));
        assert_digest_compares(1);
        reset_seen();
        req.query = NULL;
        req.path = (char *)"/hooks/reg/T0ken";
        ck_assert(!auth_check(&src, &req));
        assert_digest_compares(1);

        src.token = (char *)GH_SECRET;
        src.auth = AUTH_HMAC;
        src.hmac_header = (char *)"X-Hub-Signature-256";
        src.hmac_prefix = (char *)"sha256=";
        req.path = (char *)"/hooks/reg";
        req.body = (char *)GH_BODY;
        req.body_len = strlen(GH_BODY);
        req.n_headers = 0;
        header("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18");
        reset_seen();
        ck_assert(!auth_check(&src, &req));
        assert_digest_compares(1);
        req.n_headers = 0;
        header("X-Hub-Signature-256", "sha256=7571");   /* short: still hashed and compared */
        reset_seen();
        ck_assert(!auth_check(&src, &req));
        assert_digest_compares(1);
        ck_assert(sha_saw(4));
}
END_TEST

START_TEST(secret_compare)
{
        ck_assert(secret_equal("abc", 3, "abc", 3));
        ck_assert(!secret_equal("abc", 3, "abd", 3));
        ck_assert(!secret_equal("abc", 3, "xbc", 3));
        ck_assert(!secret_equal("abc", 3, "abcd", 4));
        ck_assert(!secret_equal("abcd", 4, "abc", 3));
        ck_assert(secret_equal("", 0, "", 0));
        ck_assert(!secret_equal("", 0, "a", 1));
        /* lengths count, not NUL terminators */
        ck_assert(!secret_equal("a\0b", 3, "a\0c", 3));
        ck_assert(secret_equal("a\0b", 3, "a\0b", 3));
        ck_assert(!secret_equal("a\0b", 3, "a", 1));
}
END_TEST

START_TEST(bearer)
{
        ck_assert(with_authz("Bearer " TOKEN));
        ck_assert(with_authz("bearer " TOKEN));
        ck_assert(with_authz("BEARER " TOKEN));
        ck_assert(with_authz("Bearer    " TOKEN));
        ck_assert(!with_authz("Bearer T0ken/y"));
        ck_assert(!with_authz("Bearer T0ken/"));        /* a prefix of the token */
        ck_assert(!with_authz("Bearer T"));
        ck_assert(!with_authz("Bearer " TOKEN "x"));    /* the token as a prefix */
        ck_assert(!with_authz("Bearer"));
        ck_assert(!with_authz("Bearer "));
        ck_assert(!with_authz("Bearer" TOKEN));
        ck_assert(!with_authz("Token " TOKEN));
        ck_assert(!with_authz(""));
}
END_TEST

START_TEST(whole_value)
{
        /* GitLab's X-Gitlab-Token style secrets, Harbor's auth header */
        ck_assert(with_authz(TOKEN));
        ck_assert(!with_authz("T0ken/"));
        ck_assert(!with_authz(TOKEN "/"));
        ck_assert(!with_authz("t0ken/x"));

        src.token = (char *)"Secret with spaces";
        ck_assert(with_authz("Secret with spaces"));
        ck_assert(!with_authz("Bearer Secret with"));
}
END_TEST

START_TEST(query_token)
{
        ck_assert(with_query("token=" TOKEN));
        ck_assert(with_query("token=T0ken%2Fx"));
        ck_assert(with_query("token=T0ken%2fx"));
        ck_assert(with_query("token=%54%30%6B%65%6E%2F%78"));
        ck_assert(with_query("a=1&token=T0ken%2Fx&b=2"));
        ck_assert(with_query("a=&token=" TOKEN));
        ck_assert(!with_query("token=T0ken"));
        ck_assert(!with_query("token=T0ken%2F"));
        ck_assert(!with_query("token=" TOKEN "y"));
        ck_assert(!with_query("token="));
        ck_assert(!with_query("token"));
        ck_assert(!with_query("xtoken=" TOKEN));
        ck_assert(!with_query("tokens=" TOKEN));
        ck_assert(!with_query("Token=" TOKEN));
        ck_assert(!with_query(""));
        /* a malformed escape is taken literally */
        ck_assert(!with_query("token=T0ken%2"));
        src.token = (char *)"a%zz";
        ck_assert(with_query("token=a%zz"));

        /* form encoding: '+' is a space */
        src.token = (char *)"a b";
        ck_assert(with_query("token=a+b"));
        ck_assert(with_query("token=a%20b"));
        ck_assert(!with_query("token=a%2Bb"));
        src.token = (char *)"a+b";
        ck_assert(with_query("token=a%2Bb"));
        ck_assert(!with_query("token=a+b"));
}
END_TEST

START_TEST(query_token_too_long)
{
        char q[SECRET_MAX + 64];

        memset(q, 'a', sizeof(q) - 1);
        q[sizeof(q) - 1] = '\0';
        memcpy(q, "token=", 6);
        ck_assert(!with_query(q));
        /* the longest secret allowed still works */
        q[6 + SECRET_MAX] = '\0';
        src.token = q + 6;
        ck_assert_uint_eq(strlen(src.token), SECRET_MAX);
        ck_assert(with_query(q));
}
END_TEST

START_TEST(missing)
{
        ck_assert(!auth_check(&src, &req));
        header("X-Other", TOKEN);
        ck_assert(!auth_check(&src, &req));
        req.query = (char *)"a=" TOKEN;
        ck_assert(!auth_check(&src, &req));
}
END_TEST

START_TEST(source_without_token)
{
        /* whatever the request says, a source without a secret refuses */
        src.token = NULL;
        header("Authorization", "");
        req.query = (char *)"token=";
        req.path = (char *)"/hooks/reg/";
        ck_assert(!auth_check(&src, &req));
        req.n_headers = 0;
        header("Authorization", "Bearer ");
        ck_assert(!auth_check(&src, &req));
        src.token = (char *)"";
        ck_assert(!auth_check(&src, &req));
        req.n_headers = 0;
        header("Authorization", "");
        ck_assert(!auth_check(&src, &req));
        src.auth = AUTH_HMAC;
        src.hmac_header = (char *)"X-Sig";
        header("X-Sig", "");
        ck_assert(!auth_check(&src, &req));
}
END_TEST

START_TEST(basic)
{
        ck_assert(with_authz("Basic Y2k6VDBrZW4veA=="));        /* ci:T0ken/x */
        ck_assert(with_authz("basic Y2k6VDBrZW4veA=="));
        ck_assert(!with_authz("Basic Y2k6VDBrZQ=="));           /* ci:T0ke */
        ck_assert(!with_authz("Basic VDBrZW4veA=="));           /* T0ken/x, no user part */
        ck_assert(!with_authz("Basic Y2k6VDBrZW4veA="));        /* bad padding */
        ck_assert(!with_authz("Basic !!!!"));
        ck_assert(!with_authz("Basic "));
}
END_TEST

START_TEST(token_header)
{
        header("X-Registry-Token", TOKEN);
        ck_assert(!auth_check(&src, &req));     /* not configured: ignored */
        src.token_header = (char *)"x-registry-token";
        ck_assert(auth_check(&src, &req));
        req.n_headers = 0;
        header("X-Registry-Token", "T0ken/");
        ck_assert(!auth_check(&src, &req));
        req.n_headers = 0;
        header("X-Other-Token", TOKEN);
        ck_assert(!auth_check(&src, &req));
}
END_TEST

START_TEST(path_secret)
{
        req.path = (char *)"/hooks/reg/" TOKEN;
        ck_assert(auth_check(&src, &req));
        req.path = (char *)"/hooks/reg/T0ken";
        ck_assert(!auth_check(&src, &req));
        req.path = (char *)"/hooks/reg/";
        ck_assert(!auth_check(&src, &req));
        req.path = (char *)"/hooks/other/" TOKEN;
        ck_assert(!auth_check(&src, &req));
        req.path = (char *)"/hooks/registry/" TOKEN;  /* name is a prefix */
        ck_assert(!auth_check(&src, &req));
        req.path = (char *)"/hook/reg/" TOKEN;
        ck_assert(!auth_check(&src, &req));
}
END_TEST

START_TEST(allow_from)
{
        struct cidr nets[2];

        ck_assert_int_eq(cidr_parse("192.0.2.0/24", &nets[0]), 0);
        ck_assert_int_eq(cidr_parse("2001:db8::/32", &nets[1]), 0);
        src.allow = nets;
        src.n_allow = 2;
        header("Authorization", "Bearer " TOKEN);

        strcpy(req.remote_addr, "192.0.2.7");
        ck_assert(auth_check(&src, &req));
        strcpy(req.remote_addr, "::ffff:192.0.2.200");
        ck_assert(auth_check(&src, &req));
        strcpy(req.remote_addr, "2001:db8::1");
        ck_assert(auth_check(&src, &req));
        strcpy(req.remote_addr, "192.0.3.7");
        ck_assert(!auth_check(&src, &req));
        strcpy(req.remote_addr, "2001:db9::1");
        ck_assert(!auth_check(&src, &req));
        strcpy(req.remote_addr, "");            /* unknown peer */
        ck_assert(!auth_check(&src, &req));

        /* a wrong token from an allowed address is still refused */
        strcpy(req.remote_addr, "192.0.2.7");
        req.n_headers = 0;
        header("Authorization", "Bearer nope");
        ck_assert(!auth_check(&src, &req));
}
END_TEST

static void github_source(void)
{
        src.token = (char *)GH_SECRET;
        src.auth = AUTH_HMAC;
        src.hmac_header = (char *)"X-Hub-Signature-256";
        src.hmac_prefix = (char *)"sha256=";
        src.hmac_bits = 256;
        req.body = (char *)GH_BODY;
        req.body_len = strlen(GH_BODY);
}

static bool with_sig(const char *name, const char *value)
{
        req.n_headers = 0;
        header(name, value);
        return auth_check(&src, &req);
}

START_TEST(hmac_github)
{
        github_source();
        ck_assert(with_sig("X-Hub-Signature-256", "sha256=" GH_SHA256));
        ck_assert(with_sig("x-hub-signature-256", "sha256=" GH_SHA256));
        ck_assert(with_sig("X-Hub-Signature-256", "SHA256=" GH_SHA256));
        ck_assert(with_sig("X-Hub-Signature-256",
                           "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17"));
        ck_assert(!with_sig("X-Hub-Signature-256", GH_SHA256));          /* no prefix */
        ck_assert(!with_sig("X-Hub-Signature-256", "sha1=" GH_SHA256));
        ck_assert(!with_sig("X-Hub-Signature-256",
                            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18"));
        ck_assert(!with_sig("X-Hub-Signature-256",
                            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e1"));
        ck_assert(!with_sig("X-Hub-Signature-256", "sha256=" GH_SHA256 "00"));
        ck_assert(!with_sig("X-Hub-Signature-256", "sha256="));
        ck_assert(!with_sig("X-Hub-Signature-256", ""));
        ck_assert(!with_sig("X-Other-Signature", "sha256=" GH_SHA256));

        /* another body, the same signature */
        req.body = (char *)"Hello, World?";
        ck_assert(!with_sig("X-Hub-Signature-256", "sha256=" GH_SHA256));
        req.body = (char *)GH_BODY;
        req.body_len--;
        ck_assert(!with_sig("X-Hub-Signature-256", "sha256=" GH_SHA256));
}
END_TEST

START_TEST(hmac_ignores_tokens)
{
        github_source();
        req.query = (char *)"token=It%27s+a+Secret+to+Everybody";
        header("Authorization", GH_SECRET);
        header("Authorization", "Bearer " GH_SECRET);
        ck_assert(!auth_check(&src, &req));
}
END_TEST

START_TEST(hmac_other_schemes)
{
        github_source();
        src.hmac_header = (char *)"X-Signature";
        src.hmac_prefix = NULL;

        src.hmac_bits = 1;
        ck_assert(with_sig("X-Signature", GH_SHA1));
        ck_assert(!with_sig("X-Signature", GH_SHA256));

        src.hmac_bits = 256;
        src.hmac_base64 = true;
        ck_assert(with_sig("X-Signature", GH_SHA256_B64));
        ck_assert(!with_sig("X-Signature", GH_SHA256));
        /* base64 is case-sensitive */
        ck_assert(!with_sig("X-Signature", "DXEH6g6yUJ/CESIczphLijdXC211hsIsRvQ3nIsEPhc="));

        src.hmac_bits = 512;
        ck_assert(with_sig("X-Signature", GH_SHA512_B64));
        ck_assert(!with_sig("X-Signature", GH_SHA256_B64));
}
END_TEST

static Suite *auth_suite(void)
{
        Suite *s = suite_create("auth");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, NULL);
        tcase_add_test(tc, secret_compare);
        tcase_add_test(tc, compare_is_constant_time);
        tcase_add_test(tc, auth_check_compares_digests);
        tcase_add_test(tc, bearer);
        tcase_add_test(tc, whole_value);
        tcase_add_test(tc, query_token);
        tcase_add_test(tc, query_token_too_long);
        tcase_add_test(tc, missing);
        tcase_add_test(tc, source_without_token);
        tcase_add_test(tc, basic);
        tcase_add_test(tc, token_header);
        tcase_add_test(tc, path_secret);
        tcase_add_test(tc, allow_from);
        tcase_add_test(tc, hmac_github);
        tcase_add_test(tc, hmac_ignores_tokens);
        tcase_add_test(tc, hmac_other_schemes);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(auth_suite)
