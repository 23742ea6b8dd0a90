/* JFrog Artifactory webhooks, Docker domain:
 * {"domain": "docker", "event_type": "pushed", "jpd_origin": "https://x.jfrog.io",
 *  "data": {"repo_key": "docker-local", "image_name": "team/app",
 *           "tag": "1.0", "sha256": "<hex of the manifest>", ...}}
 *
 * Only "pushed" is a new tag (deleted, promoted are not pushes; other
 * domains such as artifact or build are not images).  The image is
 * named the way Artifactory's default Docker access method, "repository
 * path", serves it: <host of jpd_origin>/<repo_key>/<image_name>.  A
 * remote repository's cache is "<remote>-cache", and images are pulled
 * through <remote>, so the suffix goes.  A payload without jpd_origin
 * leaves the host to the source's configured registry. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"

static bool jfrog_detect(const json_t *root, const struct http_request *req)
{
        (void)req;
        return json_path_str(root, "domain") && json_path_str(root, "event_type") &&
               json_is_object(json_object_get(root, "data"));
}

static int jfrog_parse(const json_t *root, const struct http_request *req,
                       struct event_list *out)
{
        const char *domain = json_path_str(root, "domain");
        const char *type = json_path_str(root, "event_type");
        const json_t *data = json_object_get(root, "data");
        const char *origin = json_path_str(root, "jpd_origin");
        const char *key = json_path_str(data, "repo_key");
        const char *image = json_path_str(data, "image_name");
        const char *tag = json_path_str(data, "tag");
        const char *sha = json_path_str(data, "sha256");
        char host[REGISTRY_HOST_MAX] = "", repo[REPOSITORY_MAX];
        char digest[DIGEST_MAX];
        size_t key_len;
        int n;
        (void)req;

        if (!domain || !type || !json_is_object(data))
                return -EBADMSG;
        if (strcmp(domain, "docker") != 0 || strcmp(type, "pushed") != 0)
                return 0;
        if (!key || !image || !tag)
                return -EBADMSG;
        /* by-digest manifests live in sha256__<hex> folders */
        if (!format_tag_wanted(tag) || strncmp(tag, "sha256__", 8) == 0)
                return 0;
        if (origin && format_url_host(origin, host, sizeof(host)) < 0)
                return -EBADMSG;
        key_len = strlen(key);
        if (key_len > 6 && strcmp(key + key_len - 6, "-cache") == 0)
                key_len -= 6;
        n = snprintf(repo, sizeof(repo), "%.*s/%s", (int)key_len, key, image);
        if (n < 0 || (size_t)n >= sizeof(repo))
                return -EBADMSG;
        if (sha) {
                n = snprintf(digest, sizeof(digest), "sha256:%s", sha);
                if (n < 0 || (size_t)n >= sizeof(digest))
                        return -EBADMSG;
        }
        return format_add(out, host, repo, tag, sha ? digest : NULL, NULL, NULL);
}

const struct format format_jfrog = {
        .name = "jfrog",
        .detect = jfrog_detect,
        .parse = jfrog_parse,
};
