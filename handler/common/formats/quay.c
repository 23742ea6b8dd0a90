/* Quay notifications.  The "Push to Repository" one lists the tags a push
 * updated:
 * {"repository": "ns/name", "docker_url": "quay.io/ns/name",
 *  "updated_tags": ["latest"], ...}
 * Build and vulnerability notifications share docker_url and repository
 * but have no updated_tags; the pushes they lead to come on their own. */
#include <errno.h>
#include <string.h>

#include "formats.h"

static bool quay_detect(const json_t *root, const struct http_request *req)
{
        (void)req;
        return json_path_str(root, "docker_url") &&
               json_path_str(root, "repository");
}

static int quay_parse(const json_t *root, const struct http_request *req,
                      struct event_list *out)
{
        const char *url = json_path_str(root, "docker_url");
        const char *repo = json_path_str(root, "repository");
        const json_t *tags = json_object_get(root, "updated_tags");
        const json_t *t;
        char host[REGISTRY_HOST_MAX];
        size_t i;
        (void)req;

        if (!url || !repo)
                return -EBADMSG;
        if (!tags)
                return 0;
        /* docker_url has the host; without one it is not an image URL */
        if (!json_is_array(tags) || !strchr(url, '/') ||
            format_url_host(url, host, sizeof(host)) < 0)
                return -EBADMSG;
        json_array_foreach(tags, i, t) {
                int r;

                if (!json_is_string(t))
                        return -EBADMSG;
                r = format_add(out, host, repo, json_string_value(t),
                               NULL, NULL, NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

const struct format format_quay = {
        .name = "quay",
        .detect = quay_detect,
        .parse = quay_parse,
};
