/* Docker Hub repository webhooks:
 * {"push_data": {"tag": ...}, "repository": {"repo_name": "ns/name"}, ...}
 *
 * Hub only sends pushes; the host is always docker.io and there is no
 * digest.  A name without a namespace is an official image, library/. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"

static bool dockerhub_detect(const json_t *root, const struct http_request *req)
{
        (void)req;
        return json_is_object(json_object_get(root, "push_data")) &&
               json_path_str(root, "repository.repo_name");
}

static int dockerhub_parse(const json_t *root, const struct http_request *req,
                           struct event_list *out)
{
        const char *name = json_path_str(root, "repository.repo_name");
        const char *tag = json_path_str(root, "push_data.tag");
        char repo[REPOSITORY_MAX];
        int n;
        (void)req;

        if (!json_is_object(json_object_get(root, "push_data")) || !name || !tag)
                return -EBADMSG;
        n = snprintf(repo, sizeof(repo), "%s%s",
                     strchr(name, '/') ? "" : "library/", name);
        if (n < 0 || (size_t)n >= sizeof(repo))
                return -EBADMSG;
        return format_add(out, "docker.io", repo, tag, NULL, NULL, NULL);
}

const struct format format_dockerhub = {
        .name = "dockerhub",
        .detect = dockerhub_detect,
        .parse = dockerhub_parse,
};
