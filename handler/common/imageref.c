/* imageref: Docker image references. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "imageref.h"
#include "strutil.h"

void imageref_normalise_host(char *host)
{
        for (char *p = host; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        if (strcmp(host, "index.docker.io") == 0 ||
            strcmp(host, "registry-1.docker.io") == 0 ||
            strcmp(host, "registry.hub.docker.com") == 0)
                strcpy(host, "docker.io");
}

static bool looks_like_host(const char *s, size_t n)
{
        return memchr(s, '.', n) || memchr(s, ':', n) ||
               (n == 9 && strncmp(s, "localhost", 9) == 0);
}

/* The grammar of Docker's reference package (distribution/reference). */

static bool lower_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* DNS labels or a bracketed IPv6 literal, then an optional :port */
bool imageref_valid_host(const char *p)
{
        const char *s0 = p;

        if (*p == '[') {
                const char *start = ++p;
                while (isxdigit((unsigned char)*p) || *p == ':' || *p == '.')
                        p++;
                if (p == start || *p++ != ']')
                        return false;
        } else {
                for (;;) {
                        const char *start = p;
                        while (isalnum((unsigned char)*p) || *p == '-')
                                p++;
                        if (p == start || *start == '-' || p[-1] == '-')
                                return false;
                        if (*p != '.')
                                break;
                        p++;
                }
        }
        if (*p == ':') {
                if (!isdigit((unsigned char)*++p))
                        return false;
                while (isdigit((unsigned char)*p))
                        p++;
        }
        return *p == '\0' && (size_t)(p - s0) < REGISTRY_HOST_MAX;
}

/* components [a-z0-9]+ joined by '.', '_', '__' or '-'+, separated by '/' */
bool imageref_valid_repository(const char *p)
{
        const char *s0 = p;

        for (;;) {
                if (!lower_alnum(*p))
                        return false;
                while (lower_alnum(*p))
                        p++;
                while (*p == '.' || *p == '_' || *p == '-') {
                        if (*p == '-')
                                while (*p == '-')
                                        p++;
                        else if (p[0] == '_' && p[1] == '_')
                                p += 2;
                        else
                                p++;
                        if (!lower_alnum(*p))
                                return false;
                        while (lower_alnum(*p))
                                p++;
                }
                if (*p != '/')
                        return *p == '\0' && (size_t)(p - s0) < REPOSITORY_MAX;
                p++;
        }
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
bool imageref_valid_tag(const char *p)
{
        const char *s0 = p;

        if (!isalnum((unsigned char)*p) && *p != '_')
                return false;
        for (p++; *p; p++)
                if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
                        return false;
        return (size_t)(p - s0) < TAG_MAX;
}

/* The OCI image spec's digest: algorithm ":" encoded, the algorithm
 * [a-z0-9]+ components joined by '+', '.', '_' or '-'.  The encoded part
 * is what Docker's reference grammar takes as well (components start
 * with a letter; at least 32 hex digits), lowercase as the spec asks of the registered algorithms, and
 * of their exact lengths for sha256 (64) and sha512 (128). */
bool imageref_valid_digest(const char *p)
{
        const char *s0 = p, *colon;
        size_t n = 0, alg;

        for (;;) {
                if (!(*p >= 'a' && *p <= 'z'))
                        return false;
                while (lower_alnum(*p))
                        p++;
                if (*p == ':')
                        break;
                if (!*p || !strchr("+._-", *p))
                        return false;
                p++;
        }
        colon = p;
        alg = (size_t)(colon - s0);
        for (p++; *p; p++, n++)
                if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
                        return false;
        if ((size_t)(p - s0) >= DIGEST_MAX)
                return false;
        if (alg == 6 && strncmp(s0, "sha256", 6) == 0)
                return n == 64;
        if (alg == 6 && strncmp(s0, "sha512", 6) == 0)
                return n == 128;
        return n >= 32;
}

int imageref_parse(const char *s, struct imageref *ref)
{
        const char *at, *slash, *name, *name_end, *colon;
        size_t len = strlen(s);

        memset(ref, 0, sizeof(*ref));
        if (len == 0 || len >= IMAGE_REF_MAX)
                return -EINVAL;
        for (const char *p = s; *p; p++)
                if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
                        return -EINVAL;

        at = strchr(s, '@');
        name_end = at ? at : s + len;
        if (at && str_copy_n(ref->digest, sizeof(ref->digest), at + 1, strlen(at + 1)) < 0)
                return -EINVAL;
        if (at && !imageref_valid_digest(ref->digest))
                return -EINVAL;

        slash = memchr(s, '/', (size_t)(name_end - s));
        if (slash && looks_like_host(s, (size_t)(slash - s))) {
                if (str_copy_n(ref->registry, sizeof(ref->registry), s, (size_t)(slash - s)) < 0 ||
                    !imageref_valid_host(ref->registry))
                        return -EINVAL;
                name = slash + 1;
        } else {
                strcpy(ref->registry, "docker.io");
                name = s;
        }
        imageref_normalise_host(ref->registry);

        /* a tag is after the last ':' that comes after the last '/' */
        colon = NULL;
        for (const char *p = name; p < name_end; p++)
                if (*p == ':')
                        colon = p;
                else if (*p == '/')
                        colon = NULL;
        if (colon) {
                if (str_copy_n(ref->tag, sizeof(ref->tag), colon + 1,
                           (size_t)(name_end - colon - 1)) < 0 || !imageref_valid_tag(ref->tag))
                        return -EINVAL;
                name_end = colon;
        } else if (!at) {
                strcpy(ref->tag, "latest");
        }
        if (name_end == name)
                return -EINVAL;

        if (strcmp(ref->registry, "docker.io") == 0 && !memchr(name, '/', (size_t)(name_end - name))) {
                if (snprintf(ref->repository, sizeof(ref->repository), "library/%.*s",
                             (int)(name_end - name), name) >= (int)sizeof(ref->repository))
                        return -EINVAL;
        } else if (str_copy_n(ref->repository, sizeof(ref->repository), name,
                          (size_t)(name_end - name)) < 0)
                return -EINVAL;
        /* uppercase included: Docker refuses it in repositories too */
        if (!imageref_valid_repository(ref->repository))
                return -EINVAL;
        return 0;
}

int imageref_format(const struct imageref *ref, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s/%s%s%s%s%s", ref->registry, ref->repository,
                         ref->tag[0] ? ":" : "", ref->tag,
                         ref->digest[0] ? "@" : "", ref->digest);
        return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

bool imageref_matches_push(const struct imageref *ref, const struct push_event *ev)
{
        char host[REGISTRY_HOST_MAX];
        const char *repo = ev->repository;
        bool any_host;

        if (ref->digest[0])
                return false;
        snprintf(host, sizeof(host), "%s", ev->registry);
        imageref_normalise_host(host);
        /* an event without a host (match-host = any) matches any host */
        any_host = !host[0];
        if (!any_host && strcmp(host, ref->registry) != 0)
                return false;
        if (strcmp(ref->tag, ev->tag) != 0)
                return false;
        if (strcmp(ref->repository, repo) == 0)
                return true;
        /* Docker Hub events may name official images without library/ */
        return strcmp(ref->registry, "docker.io") == 0 && !strchr(repo, '/') &&
               strncmp(ref->repository, "library/", 8) == 0 &&
               strcmp(ref->repository + 8, repo) == 0;
}
