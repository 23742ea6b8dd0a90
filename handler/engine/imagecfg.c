/* imagecfg: manifests and image configs read for their age (see imagecfg.h). */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "imagecfg.h"
#include "imageref.h"
#include "strutil.h"

void imagecfg_host_platform(struct imagecfg_platform *p)
{
        p->os = "linux";
        p->variant = "";
        /* Go's GOARCH names, which image platforms use */
#if defined(__x86_64__)
        p->arch = "amd64";
#elif defined(__aarch64__)
        p->arch = "arm64";
#elif defined(__arm__)
        p->arch = "arm";
#  if defined(__ARM_ARCH) && __ARM_ARCH >= 7
        p->variant = "v7";
#  elif defined(__ARM_ARCH) && __ARM_ARCH == 6
        p->variant = "v6";
#  endif
#elif defined(__i386__)
        p->arch = "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        p->arch = "ppc64le";
#elif defined(__s390x__)
        p->arch = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
        p->arch = "riscv64";
#else
        p->arch = "";           /* no entry matches: the first is taken */
#endif
}

static bool str_is(const json_t *v, const char *want)
{
        const char *s = json_string_value(v);

        return s && strcmp(s, want) == 0;
}

static int copy_digest(const json_t *v, char *digest, size_t size)
{
        const char *s = json_string_value(v);

        if (!s || !imageref_valid_digest(s))
                return -EBADMSG;
        return str_copy(digest, size, s) < 0 ? -E2BIG : 0;
}

static bool platform_matches(const json_t *pl, const struct imagecfg_platform *p)
{
        const char *v = json_string_value(json_object_get(pl, "variant"));

        return p->arch[0] && str_is(json_object_get(pl, "os"), p->os) &&
               str_is(json_object_get(pl, "architecture"), p->arch) &&
               (!p->variant[0] || !v || strcmp(v, p->variant) == 0);
}

int imagecfg_pick(const char *buf, size_t len, const struct imagecfg_platform *p, char *digest, size_t size)
{
        json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        const json_t *list, *e, *pick = NULL;
        size_t i;
        int r = -EBADMSG;

        if (!json_is_object(j))
                goto out;
        list = json_object_get(j, "manifests");
        if (json_is_array(list)) {
                json_array_foreach(list, i, e) {
                        if (!pick && json_is_object(e))
                                pick = e;       /* the first, unless one matches */
                        if (json_is_object(e) && platform_matches(json_object_get(e, "platform"), p)) {
                                pick = e;
                                break;
                        }
                }
                if (pick && (r = copy_digest(json_object_get(pick, "digest"), digest, size)) == 0)
                        r = IMAGECFG_INDEX;
        } else if (json_is_object(json_object_get(j, "config"))) {
                r = copy_digest(json_object_get(json_object_get(j, "config"), "digest"), digest, size);
                if (r == 0)
                        r = IMAGECFG_IMAGE;
        }
out:
        json_decref(j);
        return r;
}

/* n digits at *s into *v; false when they are not */
static bool digits(const char **s, int n, int *v)
{
        *v = 0;
        for (int i = 0; i < n; i++, (*s)++) {
                if (!isdigit((unsigned char)**s))
                        return false;
                *v = *v * 10 + (**s - '0');
        }
        return true;
}

static bool expect(const char **s, const char *set)
{
        if (!**s || !strchr(set, **s))
                return false;
        (*s)++;
        return true;
}

int imagecfg_parse_time(const char *s, long long *t)
{
        struct tm tm = { 0 };
        int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
        long long v;

        if (!digits(&s, 4, &y) || !expect(&s, "-") || !digits(&s, 2, &mo) || !expect(&s, "-") ||
            !digits(&s, 2, &d) || !expect(&s, "Tt ") || !digits(&s, 2, &h) || !expect(&s, ":") ||
            !digits(&s, 2, &mi) || !expect(&s, ":") || !digits(&s, 2, &sec))
                return -EBADMSG;
        if (*s == '.') {
                s++;
                if (!isdigit((unsigned char)*s))
                        return -EBADMSG;
                while (isdigit((unsigned char)*s))
                        s++;
        }
        if (*s == 'Z' || *s == 'z')
                s++;
        else if (*s == '+' || *s == '-') {
                sign = *s++ == '-' ? -1 : 1;
                if (!digits(&s, 2, &oh) || !expect(&s, ":") || !digits(&s, 2, &om) || oh > 23 || om > 59)
                        return -EBADMSG;
        } else
                return -EBADMSG;
        if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
                return -EBADMSG;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        v = (long long)timegm(&tm) - sign * (oh * 3600LL + om * 60LL);
        if (v < IMAGECFG_CREATED_MIN)
                return -ERANGE;
        *t = v;
        return 0;
}

int imagecfg_created(const char *buf, size_t len, long long *t)
{
        json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        const char *s;
        int r;

        if (!json_is_object(j))
                r = -EBADMSG;
        else if (!(s = json_string_value(json_object_get(j, "created"))))
                r = -ENOENT;
        else
                r = imagecfg_parse_time(s, t);
        json_decref(j);
        return r;
}
