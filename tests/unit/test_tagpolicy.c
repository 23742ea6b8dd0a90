/* tagpolicy: the redock.policy label, version ordering, and which tag a
 * container moves to. */
#include "check_main.h"

#include <errno.h>
#include <string.h>

#include "tagpolicy.h"

static void parse_ok(const char *label, enum tagpolicy_kind kind, const char *arg)
{
        struct tagpolicy p;
        char err[256], desc[600];
        int r = tagpolicy_parse(label, &p, err, sizeof(err));

        ck_assert_msg(r == 0, "'%s' refused: %s", label, err);
        ck_assert_int_eq(p.kind, kind);
        ck_assert_str_eq(p.arg, arg);
        tagpolicy_describe(&p, desc, sizeof(desc));
        if (label && *label)
                ck_assert_str_eq(desc, label);
        tagpolicy_free(&p);
}

static void parse_bad(const char *label, int want, const char *err_want)
{
        struct tagpolicy p;
        char err[256];
        int r = tagpolicy_parse(label, &p, err, sizeof(err));

        ck_assert_msg(r == want, "'%s': %d, wanted %d", label, r, want);
        ck_assert_str_eq(err, err_want);
        tagpolicy_free(&p);
}

START_TEST(parse_labels)
{
        parse_ok(NULL, TAGPOLICY_DIGEST, "");
        parse_ok("", TAGPOLICY_DIGEST, "");
        parse_ok("digest", TAGPOLICY_DIGEST, "");
        parse_ok("semver-patch", TAGPOLICY_SEMVER_PATCH, "");
        parse_ok("semver-minor", TAGPOLICY_SEMVER_MINOR, "");
        parse_ok("semver-major", TAGPOLICY_SEMVER_MAJOR, "");
        parse_ok("glob:1.*", TAGPOLICY_GLOB, "1.*");
        parse_ok("regexp:^1\\.[0-9]+\\.[0-9]+$", TAGPOLICY_REGEXP, "^1\\.[0-9]+\\.[0-9]+$");
        parse_ok("pin:1.2.3", TAGPOLICY_PIN, "1.2.3");
}
END_TEST

START_TEST(parse_refused)
{
        char big[TAGPOLICY_LABEL_MAX + 1];

        parse_bad("semver", -EINVAL, "not a policy: write digest, semver-patch, semver-minor, semver-major, "
                  "glob:PATTERN, regexp:RE or pin:TAG");
        parse_bad("Semver-Minor", -EINVAL, "not a policy: write digest, semver-patch, semver-minor, "
                  "semver-major, glob:PATTERN, regexp:RE or pin:TAG");
        parse_bad("pin:", -EINVAL, "pin: wants a tag ([A-Za-z0-9_.-], up to 128 characters, "
                  "not starting with '.' or '-')");
        parse_bad("pin:a/b", -EINVAL, "pin: wants a tag ([A-Za-z0-9_.-], up to 128 characters, "
                  "not starting with '.' or '-')");
        parse_bad("pin:-x", -EINVAL, "pin: wants a tag ([A-Za-z0-9_.-], up to 128 characters, "
                  "not starting with '.' or '-')");
        parse_bad("glob:", -EINVAL, "glob: wants a pattern, e.g. glob:1.*");
        parse_bad("regexp:", -EINVAL, "regexp: wants a POSIX extended regular expression");
        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        parse_bad(big, -E2BIG, "longer than 511 characters");
}
END_TEST

START_TEST(parse_bad_regexp)
{
        struct tagpolicy p;
        char err[256];

        ck_assert_int_eq(tagpolicy_parse("regexp:(1", &p, err, sizeof(err)), -EINVAL);
        ck_assert_msg(strncmp(err, "regexp: ", 8) == 0 && strlen(err) > 8, "%s", err);
        tagpolicy_free(&p);
}
END_TEST

/* what glibc makes costly is refused before regcomp */
START_TEST(regexp_costs)
{
        struct tagpolicy p;

        parse_bad("regexp:((a{99}){99}){99}", -EINVAL, "regexp: its repetitions (+, {m,n}) would make it too "
                  "large to compile (over 1000 copies)");
        parse_bad("regexp:a{1,1001}", -EINVAL, "regexp: its repetitions (+, {m,n}) would make it too "
                  "large to compile (over 1000 copies)");
        parse_bad("regexp:(((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)", -EINVAL, "regexp: its repetitions (+, "
                  "{m,n}) would make it too large to compile (over 1000 copies)");
        /* copies that may match nothing: the closures grow with their square */
        parse_bad("regexp:(a*){9999}", -EINVAL, "regexp: its repetitions (+, {m,n}) would make it too large to "
                  "compile (over 1000 copies)");
        parse_bad("regexp:a**", -EINVAL, "regexp: repetition operators in a row (**) are undefined in POSIX "
                  "extended regular expressions");
        parse_bad("regexp:a{2}+", -EINVAL, "regexp: repetition operators in a row (}+) are undefined in POSIX "
                  "extended regular expressions");
        {
                char deep[TAGPOLICY_LABEL_MAX] = "regexp:";

                for (int i = 0; i < 65; i++)
                        strcat(deep, "(");
                strcat(deep, "a");
                for (int i = 0; i < 65; i++)
                        strcat(deep, ")");
                parse_bad(deep, -EINVAL, "regexp: groups nested deeper than 64");
        }
        parse_bad("regexp:(a*)\\1", -EINVAL, "regexp: back references (\\1) are not POSIX extended");
        /* a literal or bracketed brace, and affordable intervals, are fine */
        ck_assert_int_eq(tagpolicy_parse("regexp:[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,100}", &p, NULL, 0), 0);
        tagpolicy_free(&p);
        ck_assert_int_eq(tagpolicy_parse("regexp:^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$",
                                         &p, NULL, 0), 0);
        tagpolicy_free(&p);
        ck_assert_int_eq(tagpolicy_parse("regexp:((a{9}){9}){9}", &p, NULL, 0), 0);
        tagpolicy_free(&p);
        ck_assert_int_eq(tagpolicy_parse("regexp:[{]9999}\\{9999}[[:digit:]{]+", &p, NULL, 0), 0);
        tagpolicy_free(&p);
}
END_TEST

START_TEST(pin_limit)
{
        char label[4 + TAG_MAX + 2] = "pin:";
        struct tagpolicy p;

        memset(label + 4, '1', TAG_MAX);
        label[4 + TAG_MAX] = '\0';
        ck_assert_int_eq(tagpolicy_parse(label, &p, NULL, 0), 0);
        tagpolicy_free(&p);
        strcat(label, "1");
        ck_assert_int_eq(tagpolicy_parse(label, &p, NULL, 0), -EINVAL);
        tagpolicy_free(&p);
}
END_TEST

static int cmp(const char *a, const char *b)
{
        struct tagversion va, vb;

        ck_assert_msg(tagversion_parse(a, &va) == 0, "%s", a);
        ck_assert_msg(tagversion_parse(b, &vb) == 0, "%s", b);
        return tagversion_cmp(&va, &vb);
}

START_TEST(versions)
{
        struct tagversion v;

        ck_assert_int_eq(tagversion_parse("1.2.3", &v), 0);
        ck_assert(!v.v && v.major == 1 && v.minor == 2 && v.patch == 3 && !v.pre[0]);
        ck_assert_int_eq(tagversion_parse("v10.20.30-rc.1+build.5", &v), 0);
        ck_assert(v.v && v.major == 10 && v.minor == 20 && v.patch == 30);
        ck_assert_str_eq(v.pre, "rc.1");
        ck_assert_int_eq(tagversion_parse("1.2.3+b1", &v), 0);
        ck_assert_str_eq(v.pre, "");
        ck_assert_int_eq(tagversion_parse("999999999999999999.0.0", &v), 0);
        ck_assert_int_eq(tagversion_parse("9999999999999999999.0.0", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("1.2", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("1.2.3.4", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("V1.2.3", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("latest", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("1.2.3-", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("1.2.3-rc..1", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("1.2.3+", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("1.2.3_x", &v), -EINVAL);
        ck_assert_int_eq(tagversion_parse("", &v), -EINVAL);
}
END_TEST

START_TEST(ordering)
{
        ck_assert_int_lt(cmp("1.2.3", "1.2.4"), 0);
        ck_assert_int_lt(cmp("1.2.9", "1.10.0"), 0);
        ck_assert_int_lt(cmp("1.99.99", "2.0.0"), 0);
        ck_assert_int_eq(cmp("1.2.3", "v1.2.3"), 0);
        ck_assert_int_eq(cmp("1.2.3+a", "1.2.3+b"), 0);
        /* semver 2.0.0, 11.4's example chain */
        ck_assert_int_lt(cmp("1.0.0-alpha", "1.0.0-alpha.1"), 0);
        ck_assert_int_lt(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), 0);
        ck_assert_int_lt(cmp("1.0.0-alpha.beta", "1.0.0-beta"), 0);
        ck_assert_int_lt(cmp("1.0.0-beta", "1.0.0-beta.2"), 0);
        ck_assert_int_lt(cmp("1.0.0-beta.2", "1.0.0-beta.11"), 0);
        ck_assert_int_lt(cmp("1.0.0-beta.11", "1.0.0-rc.1"), 0);
        ck_assert_int_lt(cmp("1.0.0-rc.1", "1.0.0"), 0);
        ck_assert_int_gt(cmp("1.0.0", "1.0.0-rc.1"), 0);
        ck_assert_int_eq(cmp("1.0.0-rc.01", "1.0.0-rc.1"), 0);
}
END_TEST

/* choose among a NULL-ended list */
static const char *pick(const char *label, const char *running, const char *const *tags, char *why, size_t size)
{
        static char store[16][TAG_MAX + 1];
        char *list[16];
        struct tagpolicy p;
        const char *best;
        size_t n = 0;

        ck_assert_int_eq(tagpolicy_parse(label, &p, NULL, 0), 0);
        for (; tags[n]; n++) {
                snprintf(store[n], sizeof(store[n]), "%s", tags[n]);
                list[n] = store[n];
        }
        best = tagpolicy_choose(&p, running, list, n, why, size);
        tagpolicy_free(&p);
        return best;
}

static void pick_is(const char *label, const char *running, const char *want, const char *const *tags)
{
        char why[512];
        const char *got = pick(label, running, tags, why, sizeof(why));

        if (want)
                ck_assert_msg(got && strcmp(got, want) == 0, "%s from %s: %s, wanted %s", label, running,
                              got ? got : "(stay)", want);
        else
                ck_assert_msg(!got, "%s from %s: %s, wanted to stay", label, running, got);
}

#define PICK(label, running, want, ...) pick_is(label, running, want, (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(semver_policies)
{
        PICK("semver-minor", "1.2.0", "1.3.0", "1.3.0", "2.0.0");
        PICK("semver-minor", "1.2.0", "1.3.0", "1.2.5", "1.3.0", "1.1.9");
        PICK("semver-minor", "1.2.0", NULL, "2.0.0");
        PICK("semver-patch", "1.2.0", "1.2.5", "1.2.5", "1.3.0", "2.0.0", "1.2.4");
        PICK("semver-patch", "1.2.0", NULL, "1.3.0", "2.0.0");
        PICK("semver-major", "1.2.0", "2.0.0", "1.3.0", "2.0.0", "1.2.5");
        PICK("semver-major", "1.2.0", NULL, "1.2.0", "1.1.0", "0.9.9");
        /* v prefixes, either way, and the running one's spelling on a tie */
        PICK("semver-minor", "v1.2.0", "v1.3.0", "1.3.0", "v1.3.0");
        PICK("semver-minor", "1.2.0", "1.3.0", "v1.3.0", "1.3.0");
        PICK("semver-minor", "v1.2.0", "1.4.0", "v1.3.0", "1.4.0");
        /* pre-releases only from a pre-release */
        PICK("semver-minor", "1.2.0", "1.2.1", "1.3.0-rc.1", "1.2.1");
        PICK("semver-major", "1.2.0", NULL, "2.0.0-beta.1");
        PICK("semver-minor", "1.3.0-rc.1", "1.3.0-rc.2", "1.3.0-rc.2", "1.3.0-beta.9");
        PICK("semver-minor", "1.3.0-rc.1", "1.3.0", "1.3.0-rc.2", "1.3.0");
        /* build metadata: neither newer nor older */
        PICK("semver-patch", "1.2.0+b1", NULL, "1.2.0+b2");
        PICK("semver-patch", "1.2.0+b1", "1.2.1+b1", "1.2.0+b2", "1.2.1+b1");
        /* not versions: skipped, the others still chosen */
        PICK("semver-minor", "1.2.0", "1.2.3", "latest", "1.2.3", "1.2");
}
END_TEST

START_TEST(semver_running_not_a_version)
{
        char why[512];

        ck_assert_ptr_null(pick("semver-minor", "latest", (const char *const[]){ "1.3.0", NULL }, why,
                                sizeof(why)));
        ck_assert_str_eq(why, "the tag it runs, latest, is not a version (semver-minor takes MAJOR.MINOR.PATCH, "
                         "v optional)");
}
END_TEST

START_TEST(glob_and_regexp)
{
        char why[512];

        PICK("glob:1.*", "1.2.0", "1.9.0", "1.3.0", "1.9.0", "2.0.0");
        PICK("glob:1.*", "1.2.0", NULL, "2.0.0", "1.1.0");
        PICK("glob:1.*", "1.2.0", NULL, "1.3.0-rc.1");
        /* from a tag outside the pattern: the newest match */
        PICK("glob:2.*", "1.2.0", "2.1.0", "2.1.0", "2.0.0");
        PICK("glob:v*", "latest", "v2.0.0", "v1.0.0", "v2.0.0");
        PICK("regexp:1\\.[0-9]+\\.[0-9]+", "1.2.0", "1.10.0", "1.10.0", "1.9.0", "11.0.0", "21.2.0");
        /* the whole tag must match */
        PICK("regexp:1\\.3", "1.2.0", NULL, "1.3.0");
        PICK("regexp:^(1|2)\\.[0-9]+\\.[0-9]+$", "1.2.0", "2.0.0", "2.0.0", "3.0.0");

        ck_assert_ptr_null(pick("glob:1.*", "1.2.0", (const char *const[]){ "1.3.0", "1.x", NULL }, why,
                                sizeof(why)));
        ck_assert_str_eq(why, "1.x matches glob:1.* but is not a version (MAJOR.MINOR.PATCH, v optional): "
                         "glob:1.* orders the tags it matches by version");
        ck_assert_ptr_null(pick("regexp:[a-z]+", "1.2.0", (const char *const[]){ "stable", NULL }, why,
                                sizeof(why)));
        ck_assert_str_eq(why, "stable matches regexp:[a-z]+ but is not a version (MAJOR.MINOR.PATCH, v optional): "
                         "regexp:[a-z]+ orders the tags it matches by version");
        /* nothing matching: no refusal, nothing to say */
        ck_assert_ptr_null(pick("glob:1.*", "1.2.0", (const char *const[]){ "stable", NULL }, why, sizeof(why)));
        ck_assert_str_eq(why, "");
}
END_TEST

START_TEST(pin_and_digest)
{
        PICK("pin:stable", "latest", "stable", "1.0.0", "stable", "latest");
        PICK("pin:1.2.3", "1.5.0", "1.2.3", "1.2.3", "2.0.0");
        PICK("pin:stable", "stable", NULL, "stable", "1.0.0");
        PICK("digest", "1.2.0", NULL, "1.3.0", "1.2.0");
}
END_TEST

static bool follows(const char *label, const char *running, const char *tag)
{
        struct tagpolicy p;
        bool yes;

        ck_assert_int_eq(tagpolicy_parse(label, &p, NULL, 0), 0);
        yes = tagpolicy_follows(&p, running, tag);
        tagpolicy_free(&p);
        return yes;
}

START_TEST(follows_pushes)
{
        ck_assert(follows("digest", "1.2.0", "1.2.0"));
        ck_assert(!follows("digest", "1.2.0", "1.3.0"));
        ck_assert(follows("semver-minor", "1.2.0", "1.2.0"));   /* a rebuilt 1.2.0 */
        ck_assert(follows("semver-minor", "1.2.0", "1.3.0"));
        ck_assert(!follows("semver-minor", "1.2.0", "2.0.0"));
        ck_assert(follows("pin:stable", "latest", "stable"));
        ck_assert(!follows("pin:stable", "latest", "latest"));
        ck_assert(follows("glob:1.*", "1.2.0", "1.3.0"));
        ck_assert(!follows("glob:1.*", "1.2.0", "1.x"));
}
END_TEST

START_TEST(accepts_says_why)
{
        struct tagpolicy p;
        char why[512];

        ck_assert_int_eq(tagpolicy_parse("semver-minor", &p, NULL, 0), 0);
        ck_assert(!tagpolicy_accepts(&p, "1.2.0", "2.0.0", why, sizeof(why)));
        ck_assert_str_eq(why, "2.0.0 is a new major version (semver-minor takes 1.x.x only)");
        ck_assert(!tagpolicy_accepts(&p, "1.2.0", "1.1.0", why, sizeof(why)));
        ck_assert_str_eq(why, "1.1.0 is not newer than 1.2.0");
        ck_assert(!tagpolicy_accepts(&p, "1.2.0", "1.3.0-rc.1", why, sizeof(why)));
        ck_assert_str_eq(why, "1.3.0-rc.1 is a pre-release and 1.2.0 is not");
        ck_assert(!tagpolicy_accepts(&p, "1.2.0", "latest", why, sizeof(why)));
        ck_assert_str_eq(why, "latest is not a version (semver-minor takes MAJOR.MINOR.PATCH, v optional)");
        ck_assert(tagpolicy_accepts(&p, "1.2.0", "1.3.0", why, sizeof(why)));
        ck_assert_str_eq(why, "");
        tagpolicy_free(&p);
        ck_assert_int_eq(tagpolicy_parse("semver-patch", &p, NULL, 0), 0);
        ck_assert(!tagpolicy_accepts(&p, "1.2.0", "1.3.0", why, sizeof(why)));
        ck_assert_str_eq(why, "1.3.0 is a new minor version (semver-patch takes 1.2.x only)");
        tagpolicy_free(&p);
        ck_assert_int_eq(tagpolicy_parse("pin:stable", &p, NULL, 0), 0);
        ck_assert(!tagpolicy_accepts(&p, "latest", "edge", why, sizeof(why)));
        ck_assert_str_eq(why, "it follows exactly stable (pin:stable)");
        tagpolicy_free(&p);
}
END_TEST

static void following_is(const char *label, const char *running, const char *want)
{
        struct tagpolicy p;
        char buf[600];

        ck_assert_int_eq(tagpolicy_parse(label, &p, NULL, 0), 0);
        tagpolicy_following(&p, running, buf, sizeof(buf));
        ck_assert_str_eq(buf, want);
        tagpolicy_free(&p);
}

START_TEST(following_for_status)
{
        following_is("digest", "1.2.0", "1.2.0");
        following_is("pin:stable", "1.2.0", "stable");
        following_is("semver-patch", "1.2.0", "newest 1.2.x");
        following_is("semver-minor", "v1.2.0", "newest v1.x.x");
        following_is("semver-major", "1.2.0", "newest version");
        following_is("semver-minor", "latest", "nothing: latest is not a version");
        following_is("glob:1.*", "1.2.0", "newest match of 1.*");
}
END_TEST

/* A pass's cache parses each text once: the same text is the same
 * policy (one compiled RE), a refused one is refused again with its
 * reason, and NULL and "" are both digest. */
START_TEST(cache_parses_once)
{
        struct tagpolicy_cache cache = { 0 };
        const struct tagpolicy *a = NULL, *b = NULL, *d1 = NULL, *d2 = NULL;
        char err[256];

        ck_assert_int_eq(tagpolicy_cache_get(&cache, "regexp:^1\\.[0-9]+\\.[0-9]+$", &a, err, sizeof(err)), 0);
        ck_assert_int_eq(tagpolicy_cache_get(&cache, "regexp:^1\\.[0-9]+\\.[0-9]+$", &b, err, sizeof(err)), 0);
        ck_assert_ptr_eq(a, b);
        ck_assert_int_eq(a->kind, TAGPOLICY_REGEXP);
        ck_assert(a->re_compiled);
        ck_assert_uint_eq(cache.n, 1);
        ck_assert_int_eq(tagpolicy_cache_get(&cache, "semver-minor", &b, err, sizeof(err)), 0);
        ck_assert_ptr_ne(a, b);
        ck_assert_int_eq(b->kind, TAGPOLICY_SEMVER_MINOR);
        for (int i = 0; i < 2; i++) {
                err[0] = '\0';
                ck_assert_int_eq(tagpolicy_cache_get(&cache, "semver-sideways", &b, err, sizeof(err)), -EINVAL);
                ck_assert_msg(err[0], "no reason the second time either");
        }
        ck_assert_int_eq(tagpolicy_cache_get(&cache, NULL, &d1, err, sizeof(err)), 0);
        ck_assert_int_eq(tagpolicy_cache_get(&cache, "", &d2, err, sizeof(err)), 0);
        ck_assert_ptr_eq(d1, d2);
        ck_assert_int_eq(d1->kind, TAGPOLICY_DIGEST);
        ck_assert_uint_eq(cache.n, 4);
        tagpolicy_cache_free(&cache);
        ck_assert_uint_eq(cache.n, 0);
        ck_assert_ptr_null(cache.v);
}
END_TEST

static Suite *tagpolicy_suite(void)
{
        Suite *s = suite_create("tagpolicy");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, parse_labels);
        tcase_add_test(tc, parse_refused);
        tcase_add_test(tc, parse_bad_regexp);
        tcase_add_test(tc, regexp_costs);
        tcase_add_test(tc, pin_limit);
        tcase_add_test(tc, versions);
        tcase_add_test(tc, ordering);
        tcase_add_test(tc, semver_policies);
        tcase_add_test(tc, semver_running_not_a_version);
        tcase_add_test(tc, glob_and_regexp);
        tcase_add_test(tc, pin_and_digest);
        tcase_add_test(tc, follows_pushes);
        tcase_add_test(tc, accepts_says_why);
        tcase_add_test(tc, following_for_status);
        tcase_add_test(tc, cache_parses_once);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(tagpolicy_suite)
