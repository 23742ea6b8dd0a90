/* tagpolicy: which tag a container follows. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tagpolicy.h"

/* a version number: at most this many digits, so it never overflows */
#define NUMBER_DIGITS_MAX 18

static void say(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;

        if (!buf || !size)
                return;
        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
}

void tagpolicy_free(struct tagpolicy *pol)
{
        if (pol && pol->re_compiled) {
                regfree(&pol->re);
                pol->re_compiled = false;
        }
}

/* A tag as Docker allows it: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
static bool valid_tag(const char *t)
{
        size_t n = strlen(t);

        if (n == 0 || n > TAG_MAX || t[0] == '.' || t[0] == '-')
                return false;
        return strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

/* glibc's regcomp copies an atom once per repetition that "+" or an
 * interval asks for, so stacked and nested ones multiply ("a++++++...",
 * "((a{99}){99}){99}" take gigabytes).  What the copies would come to is
 * estimated before, and a pattern past this is refused.  Its closures
 * grow with the square of the copies when they may match nothing:
 * "(a*){9999}" takes 790 MB to compile, "(a*){999}" 10 MB (the fuzzer
 * found it); no tag pattern needs a thousand. */
#define REGEXP_SIZE_MAX 1000
#define REGEXP_DEPTH_MAX 64

/* The count of an interval at *p ("{m}", "{m,}", "{m,n}"), moving *p to
 * its '}' (or where it stops); counts are cut at REGEXP_SIZE_MAX + 1. */
static unsigned long interval_count(const char **p)
{
        unsigned long m = 0, n;
        const char *q = *p + 1;

        for (; *q >= '0' && *q <= '9'; q++)
                m = m > REGEXP_SIZE_MAX ? m : m * 10 + (unsigned long)(*q - '0');
        n = m;
        if (*q == ',') {
                for (n = 0, q++; *q >= '0' && *q <= '9'; q++)
                        n = n > REGEXP_SIZE_MAX ? n : n * 10 + (unsigned long)(*q - '0');
                if (n < m)
                        n = m;
        }
        *p = *q ? q : q - 1;
        return n > 1 ? n : 1;
}

/* Past a bracket expression starting at p ('['): its closing ']', or
 * the end.  ']' first is literal; [:class:], [.x.], [=x=] inside. */
static const char *bracket_end(const char *p)
{
        p++;
        if (*p == '^')
                p++;
        if (*p == ']')
                p++;
        while (*p && *p != ']') {
                if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
                        const char *end = strstr(p + 2, (const char[]){ p[1], ']', '\0' });

                        if (!end)
                                return p + strlen(p);
                        p = end + 1;
                }
                p++;
        }
        return p;
}

/* Refuse what POSIX ERE does not have or leaves undefined and glibc
 * makes costly: a back reference (exponential matching), repetition
 * operators in a row ("a**", "a+*": seconds to compile), repetitions whose
 * copies come past REGEXP_SIZE_MAX, groups nested deeper than
 * REGEXP_DEPTH_MAX.  0 or -EINVAL with the reason. */
static int regexp_affordable(const char *re, char *err, size_t err_size)
{
        /* per open group: its size so far, and the size of its last atom */
        unsigned long size[REGEXP_DEPTH_MAX + 1] = { 0 }, last[REGEXP_DEPTH_MAX + 1] = { 0 };
        int depth = 0;
        bool repeated = false;  /* the last token was a repetition operator */

        for (const char *p = re; *p; p++) {
                unsigned long atom = 1, times = 0;
                bool repeat = *p == '*' || *p == '?' || *p == '+' || (*p == '{' && p[1] >= '0' && p[1] <= '9');

                if (repeat && repeated) {
                        say(err, err_size, "regexp: repetition operators in a row (%.2s) are undefined in POSIX "
                            "extended regular expressions", p - 1);
                        return -EINVAL;
                }
                repeated = repeat;

                if (*p == '\\' && p[1] >= '1' && p[1] <= '9') {
                        say(err, err_size, "regexp: back references (\\%c) are not POSIX extended", p[1]);
                        return -EINVAL;
                }
                if (*p == '\\' && p[1]) {
                        p++;
                } else if (*p == '[') {
                        p = bracket_end(p);
                        if (!*p)
                                break;
                } else if (*p == '(') {
                        if (depth == REGEXP_DEPTH_MAX) {
                                say(err, err_size, "regexp: groups nested deeper than %d", REGEXP_DEPTH_MAX);
                                return -EINVAL;
                        }
                        depth++;
                        size[depth] = last[depth] = 0;
                        continue;
                } else if (*p == ')' && depth > 0) {
                        atom = size[depth] + 1;
                        depth--;
                } else if (*p == '|') {
                        last[depth] = 0;
                        continue;
                } else if (*p == '*' || *p == '?') {
                        continue;
                } else if (*p == '+') {
                        times = 2;
                } else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
                        times = interval_count(&p);
                }
                if (times) {
                        /* the last atom again, times - 1 more copies of it */
                        size[depth] += last[depth] * (times - 1);
                        last[depth] *= times;
                } else {
                        size[depth] += atom;
                        last[depth] = atom;
                }
                if (size[depth] > REGEXP_SIZE_MAX || last[depth] > REGEXP_SIZE_MAX) {
                        say(err, err_size, "regexp: its repetitions (+, {m,n}) would make it too large to "
                            "compile (over %d copies)", REGEXP_SIZE_MAX);
                        return -EINVAL;
                }
        }
        return 0;
}

int tagpolicy_parse(const char *label, struct tagpolicy *ret, char *err, size_t err_size)
{
        static const struct { const char *name; enum tagpolicy_kind kind; } plain[] = {
                { "digest", TAGPOLICY_DIGEST },
                { "semver-patch", TAGPOLICY_SEMVER_PATCH },
                { "semver-minor", TAGPOLICY_SEMVER_MINOR },
                { "semver-major", TAGPOLICY_SEMVER_MAJOR },
        };
        size_t len;
        int r;

        memset(ret, 0, sizeof(*ret));
        ret->kind = TAGPOLICY_DIGEST;
        say(err, err_size, "%s", "");
        if (!label || !*label)
                return 0;
        len = strlen(label);
        if (len >= TAGPOLICY_LABEL_MAX) {
                say(err, err_size, "longer than %d characters", TAGPOLICY_LABEL_MAX - 1);
                return -E2BIG;
        }
        for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
                if (strcmp(label, plain[i].name) == 0) {
                        ret->kind = plain[i].kind;
                        return 0;
                }
        if (strncmp(label, "pin:", 4) == 0) {
                if (!valid_tag(label + 4)) {
                        say(err, err_size, "pin: wants a tag ([A-Za-z0-9_.-], up to %d characters, "
                            "not starting with '.' or '-')", TAG_MAX);
                        return -EINVAL;
                }
                ret->kind = TAGPOLICY_PIN;
                memcpy(ret->arg, label + 4, len - 4 + 1);
                return 0;
        }
        if (strncmp(label, "glob:", 5) == 0) {
                if (!label[5]) {
                        say(err, err_size, "glob: wants a pattern, e.g. glob:1.*");
                        return -EINVAL;
                }
                ret->kind = TAGPOLICY_GLOB;
                memcpy(ret->arg, label + 5, len - 5 + 1);
                return 0;
        }
        if (strncmp(label, "regexp:", 7) == 0) {
                if (!label[7]) {
                        say(err, err_size, "regexp: wants a POSIX extended regular expression");
                        return -EINVAL;
                }
                memcpy(ret->arg, label + 7, len - 7 + 1);
                if (regexp_affordable(ret->arg, err, err_size) < 0)
                        return -EINVAL;
                r = regcomp(&ret->re, ret->arg, REG_EXTENDED);
                if (r != 0) {
                        char msg[128];

                        regerror(r, &ret->re, msg, sizeof(msg));
                        regfree(&ret->re);
                        say(err, err_size, "regexp: %s", msg);
                        return -EINVAL;
                }
                ret->kind = TAGPOLICY_REGEXP;
                ret->re_compiled = true;
                return 0;
        }
        say(err, err_size, "not a policy: write digest, semver-patch, semver-minor, semver-major, "
            "glob:PATTERN, regexp:RE or pin:TAG");
        return -EINVAL;
}

void tagpolicy_describe(const struct tagpolicy *pol, char *buf, size_t size)
{
        switch (pol->kind) {
        case TAGPOLICY_DIGEST:       say(buf, size, "digest"); break;
        case TAGPOLICY_SEMVER_PATCH: say(buf, size, "semver-patch"); break;
        case TAGPOLICY_SEMVER_MINOR: say(buf, size, "semver-minor"); break;
        case TAGPOLICY_SEMVER_MAJOR: say(buf, size, "semver-major"); break;
        case TAGPOLICY_GLOB:         say(buf, size, "glob:%s", pol->arg); break;
        case TAGPOLICY_REGEXP:       say(buf, size, "regexp:%s", pol->arg); break;
        case TAGPOLICY_PIN:          say(buf, size, "pin:%s", pol->arg); break;
        }
}

/* A number at *p: digits only, at most NUMBER_DIGITS_MAX.  Moves *p past
 * it on success. */
static int number(const char **p, unsigned long long *ret)
{
        const char *s = *p;
        unsigned long long n = 0;
        size_t k = 0;

        while (s[k] >= '0' && s[k] <= '9') {
                if (k == NUMBER_DIGITS_MAX)
                        return -ERANGE;
                n = n * 10 + (unsigned)(s[k] - '0');
                k++;
        }
        if (k == 0)
                return -EINVAL;
        *ret = n;
        *p = s + k;
        return 0;
}

/* Dot-separated identifiers of [0-9A-Za-z-], none empty. */
static bool identifiers(const char *s, size_t n)
{
        size_t run = 0;

        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] == '.') {
                        if (run == 0)
                                return false;
                        run = 0;
                } else if ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                           (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-') {
                        run++;
                } else {
                        return false;
                }
        }
        return run > 0;
}

int tagversion_parse(const char *tag, struct tagversion *ret)
{
        struct tagversion v = { 0 };
        const char *p = tag, *plus;
        size_t pre_len;

        if (!tag || strlen(tag) > TAG_MAX)
                return -EINVAL;
        if (*p == 'v') {
                v.v = true;
                p++;
        }
        if (number(&p, &v.major) < 0 || *p++ != '.' || number(&p, &v.minor) < 0 || *p++ != '.' ||
            number(&p, &v.patch) < 0)
                return -EINVAL;
        plus = strchr(p, '+');
        if (plus && !identifiers(plus + 1, strlen(plus + 1)))
                return -EINVAL;
        pre_len = plus ? (size_t)(plus - p) : strlen(p);
        if (pre_len > 0) {
                if (*p != '-' || !identifiers(p + 1, pre_len - 1))
                        return -EINVAL;
                memcpy(v.pre, p + 1, pre_len - 1);
                v.pre[pre_len - 1] = '\0';
        }
        *ret = v;
        return 0;
}

static int cmp_num(unsigned long long a, unsigned long long b)
{
        return a < b ? -1 : a > b;
}

static bool all_digits(const char *s, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return n > 0;
}

/* Pre-release precedence (semver 2.0.0, 11.4): field by field, numbers
 * numerically and below words, words in ASCII order; a prefix first. */
static int cmp_pre(const char *a, const char *b)
{
        for (;;) {
                size_t na = strcspn(a, "."), nb = strcspn(b, ".");
                bool da = all_digits(a, na), db = all_digits(b, nb);
                int c;

                if (da && db) {
                        /* leading zeros aside, the longer number is the larger */
                        while (na > 1 && *a == '0')
                                a++, na--;
                        while (nb > 1 && *b == '0')
                                b++, nb--;
                        c = na != nb ? cmp_num(na, nb) : memcmp(a, b, na);
                } else if (da != db) {
                        c = da ? -1 : 1;
                } else {
                        c = memcmp(a, b, na < nb ? na : nb);
                        if (c == 0)
                                c = cmp_num(na, nb);
                }
                if (c)
                        return c < 0 ? -1 : 1;
                a += na;
                b += nb;
                if (!*a || !*b)
                        return *a ? 1 : *b ? -1 : 0;
                a++;
                b++;
        }
}

int tagversion_cmp(const struct tagversion *a, const struct tagversion *b)
{
        int c = cmp_num(a->major, b->major);

        if (!c)
                c = cmp_num(a->minor, b->minor);
        if (!c)
                c = cmp_num(a->patch, b->patch);
        if (c)
                return c;
        /* a release orders after its pre-releases */
        if (!a->pre[0] || !b->pre[0])
                return a->pre[0] ? -1 : b->pre[0] ? 1 : 0;
        return cmp_pre(a->pre, b->pre);
}

static bool is_semver(enum tagpolicy_kind k)
{
        return k == TAGPOLICY_SEMVER_PATCH || k == TAGPOLICY_SEMVER_MINOR || k == TAGPOLICY_SEMVER_MAJOR;
}

/* Does glob's or regexp's pattern take the whole tag? */
static bool pattern_matches(const struct tagpolicy *pol, const char *tag)
{
        regmatch_t m;

        if (pol->kind == TAGPOLICY_GLOB)
                return fnmatch(pol->arg, tag, 0) == 0;
        return pol->re_compiled && regexec(&pol->re, tag, 1, &m, 0) == 0 && m.rm_so == 0 &&
               (size_t)m.rm_eo == strlen(tag);
}

/* The part of the decision that needs no other tag: 1 a move, 0 not
 * (why set), -EINVAL refused for a reason the log must carry (why set). */
static int judge(const struct tagpolicy *pol, const char *running_tag, const char *tag, char *why, size_t size)
{
        struct tagversion cur, v;
        char name[TAGPOLICY_LABEL_MAX + 8];
        bool cur_ok;

        say(why, size, "%s", "");
        tagpolicy_describe(pol, name, sizeof(name));
        if (pol->kind == TAGPOLICY_PIN && strcmp(tag, pol->arg) != 0) {
                say(why, size, "it follows exactly %s (%s)", pol->arg, name);
                return 0;
        }
        if (strcmp(tag, running_tag) == 0) {
                say(why, size, "%s is the tag it runs", tag);
                return 0;
        }
        switch (pol->kind) {
        case TAGPOLICY_DIGEST:
                say(why, size, "it follows its own tag %s (digest)", running_tag);
                return 0;
        case TAGPOLICY_PIN:
                return 1;
        case TAGPOLICY_GLOB:
        case TAGPOLICY_REGEXP:
                if (!pattern_matches(pol, tag)) {
                        say(why, size, "%s does not match %s", tag, name);
                        return 0;
                }
                break;
        default:
                break;
        }
        if (tagversion_parse(tag, &v) < 0) {
                if (is_semver(pol->kind)) {
                        say(why, size, "%s is not a version (%s takes MAJOR.MINOR.PATCH, v optional)", tag, name);
                        return 0;
                }
                say(why, size, "%s matches %s but is not a version (MAJOR.MINOR.PATCH, v optional): "
                    "%s orders the tags it matches by version", tag, name, name);
                return -EINVAL;
        }
        cur_ok = tagversion_parse(running_tag, &cur) == 0;
        if (!cur_ok && is_semver(pol->kind)) {
                say(why, size, "the tag it runs, %s, is not a version (%s takes MAJOR.MINOR.PATCH, v optional)",
                    running_tag, name);
                return -EINVAL;
        }
        /* glob and regexp from a tag outside the pattern: any matching
         * version; else only a newer one */
        if (!cur_ok || (!is_semver(pol->kind) && !pattern_matches(pol, running_tag))) {
                if (v.pre[0] && !(cur_ok && cur.pre[0])) {
                        say(why, size, "%s is a pre-release and %s is not", tag, running_tag);
                        return 0;
                }
                return 1;
        }
        if (v.pre[0] && !cur.pre[0]) {
                say(why, size, "%s is a pre-release and %s is not", tag, running_tag);
                return 0;
        }
        if (tagversion_cmp(&v, &cur) <= 0) {
                say(why, size, "%s is not newer than %s", tag, running_tag);
                return 0;
        }
        if (pol->kind == TAGPOLICY_SEMVER_PATCH && (v.major != cur.major || v.minor != cur.minor)) {
                say(why, size, "%s is a new %s version (%s takes %llu.%llu.x only)", tag,
                    v.major != cur.major ? "major" : "minor", name, cur.major, cur.minor);
                return 0;
        }
        if (pol->kind == TAGPOLICY_SEMVER_MINOR && v.major != cur.major) {
                say(why, size, "%s is a new major version (%s takes %llu.x.x only)", tag, name, cur.major);
                return 0;
        }
        return 1;
}

bool tagpolicy_accepts(const struct tagpolicy *pol, const char *running_tag, const char *tag, char *why,
                       size_t why_size)
{
        return judge(pol, running_tag, tag, why, why_size) == 1;
}

void tagpolicy_following(const struct tagpolicy *pol, const char *running_tag, char *buf, size_t size)
{
        struct tagversion cur;
        bool v = tagversion_parse(running_tag, &cur) == 0;

        switch (pol->kind) {
        case TAGPOLICY_DIGEST:
                say(buf, size, "%s", running_tag);
                break;
        case TAGPOLICY_PIN:
                say(buf, size, "%s", pol->arg);
                break;
        case TAGPOLICY_SEMVER_PATCH:
                if (v)
                        say(buf, size, "newest %s%llu.%llu.x", cur.v ? "v" : "", cur.major, cur.minor);
                else
                        say(buf, size, "nothing: %s is not a version", running_tag);
                break;
        case TAGPOLICY_SEMVER_MINOR:
                if (v)
                        say(buf, size, "newest %s%llu.x.x", cur.v ? "v" : "", cur.major);
                else
                        say(buf, size, "nothing: %s is not a version", running_tag);
                break;
        case TAGPOLICY_SEMVER_MAJOR:
                if (v)
                        say(buf, size, "newest version");
                else
                        say(buf, size, "nothing: %s is not a version", running_tag);
                break;
        case TAGPOLICY_GLOB:
        case TAGPOLICY_REGEXP:
                say(buf, size, "newest match of %s", pol->arg);
                break;
        }
}

bool tagpolicy_follows(const struct tagpolicy *pol, const char *running_tag, const char *tag)
{
        if (pol->kind == TAGPOLICY_PIN)
                return strcmp(tag, pol->arg) == 0;
        return strcmp(tag, running_tag) == 0 || judge(pol, running_tag, tag, NULL, 0) == 1;
}

const char *tagpolicy_choose(const struct tagpolicy *pol, const char *running_tag, char *const *tags, size_t n,
                             char *why, size_t why_size)
{
        const char *best = NULL;
        struct tagversion bv = { 0 }, cur;
        bool cur_v = tagversion_parse(running_tag, &cur) == 0 && cur.v;
        char one[512];

        say(why, why_size, "%s", "");
        for (size_t i = 0; i < n; i++) {
                struct tagversion v;
                int r = judge(pol, running_tag, tags[i], one, sizeof(one));
                int c;

                if (r < 0) {
                        /* one unorderable match refuses the whole choice */
                        say(why, why_size, "%s", one);
                        return NULL;
                }
                if (r == 0)
                        continue;
                if (pol->kind == TAGPOLICY_PIN)
                        return tags[i];
                if (tagversion_parse(tags[i], &v) < 0)
                        continue;       /* judge parsed it: cannot happen */
                c = best ? tagversion_cmp(&v, &bv) : 1;
                if (c > 0 || (c == 0 && v.v == cur_v && bv.v != cur_v)) {
                        best = tags[i];
                        bv = v;
                }
        }
        return best;
}

struct tagpolicy_cached {
        char *label;                    /* as parsed; "" for NULL */
        int r;                          /* tagpolicy_parse's answer */
        char err[256];                  /* its reason when r < 0 */
        struct tagpolicy pol;
};

int tagpolicy_cache_get(struct tagpolicy_cache *cache, const char *label, const struct tagpolicy **ret,
                        char *err, size_t err_size)
{
        struct tagpolicy_cached *e, **v;

        label = label ? label : "";
        for (size_t i = 0; i < cache->n; i++) {
                e = cache->v[i];
                if (strcmp(e->label, label) == 0)
                        goto found;
        }
        v = reallocarray(cache->v, cache->n + 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        cache->v = v;
        e = calloc(1, sizeof(*e));
        if (!e || !(e->label = strdup(label))) {
                free(e);
                return -ENOMEM;
        }
        e->r = tagpolicy_parse(label, &e->pol, e->err, sizeof(e->err));
        cache->v[cache->n++] = e;
found:
        if (e->r < 0) {
                if (err && err_size)
                        snprintf(err, err_size, "%s", e->err);
                return e->r;
        }
        *ret = &e->pol;
        return 0;
}

void tagpolicy_cache_free(struct tagpolicy_cache *cache)
{
        for (size_t i = 0; i < cache->n; i++) {
                tagpolicy_free(&cache->v[i]->pol);
                free(cache->v[i]->label);
                free(cache->v[i]);
        }
        free(cache->v);
        cache->v = NULL;
        cache->n = 0;
}
