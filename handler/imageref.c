/* imageref: Docker image references. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "imageref.h"

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

static int copy_n(char *dst, size_t size, const char *src, size_t n)
{
        if (n >= size)
                return -EINVAL;
        memcpy(dst, src, n);
        dst[n] = '\0';
        return 0;
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
        if (at && copy_n(ref->digest, sizeof(ref->digest), at + 1, strlen(at + 1)) < 0)
                return -EINVAL;
        if (at && !strchr(ref->digest, ':'))
                return -EINVAL;

        slash = memchr(s, '/', (size_t)(name_end - s));
        if (slash && looks_like_host(s, (size_t)(slash - s))) {
                if (copy_n(ref->registry, sizeof(ref->registry), s, (size_t)(slash - s)) < 0)
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
                if (copy_n(ref->tag, sizeof(ref->tag), colon + 1,
                           (size_t)(name_end - colon - 1)) < 0 || !ref->tag[0])
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
        } else if (copy_n(ref->repository, sizeof(ref->repository), name,
                          (size_t)(name_end - name)) < 0)
                return -EINVAL;
        for (char *p = ref->repository; *p; p++)
                if (isupper((unsigned char)*p))
                        return -EINVAL;         /* Docker refuses these too */
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
