/* Harbor webhooks, in its two JSON payload formats.
 *
 * Default: {"type": "PUSH_ARTIFACT", "event_data": {"resources": [...],
 *           "repository": {"repo_full_name": "project/name"}}}
 * CloudEvents (2.8+, structured mode, application/cloudevents+json):
 *          {"specversion": "1.0", "type": "harbor.artifact.pushed",
 *           "id": ..., "data": {"resources": [...], "repository": {...}}}
 *
 * Each resource has tag, digest and resource_url ("host/project/name:tag");
 * the host is the first component of resource_url.  Without a tag Harbor
 * puts the digest in "tag" (multi-arch children, by-digest pushes). */
#include <errno.h>
#include <string.h>

#include "formats.h"

static int harbor_resources(const json_t *data, const char *event_id,
                            struct event_list *out)
{
        const json_t *resources = json_object_get(data, "resources");
        const char *repo = json_path_str(data, "repository.repo_full_name");
        const json_t *res;
        size_t i;

        if (!json_is_array(resources) || !repo)
                return -EBADMSG;
        json_array_foreach(resources, i, res) {
                const char *tag = json_path_str(res, "tag");
                const char *url = json_path_str(res, "resource_url");
                char host[REGISTRY_HOST_MAX];
                int r;

                if (!json_is_object(res))
                        return -EBADMSG;
                if (!format_tag_wanted(tag))
                        continue;
                if (!url || !strchr(url, '/') ||
                    format_url_host(url, host, sizeof(host)) < 0)
                        return -EBADMSG;
                r = format_add(out, host, repo, tag,
                               json_path_str(res, "digest"), NULL, event_id);
                if (r < 0)
                        return r;
        }
        return 0;
}

static bool harbor_detect(const json_t *root, const struct http_request *req)
{
        (void)req;
        return json_path_str(root, "type") &&
               json_is_object(json_object_get(root, "event_data"));
}

static int harbor_parse(const json_t *root, const struct http_request *req,
                        struct event_list *out)
{
        const char *type = json_path_str(root, "type");
        const json_t *data = json_object_get(root, "event_data");
        (void)req;

        /* every Harbor event type has event_data */
        if (!type || !json_is_object(data))
                return -EBADMSG;
        /* pushImage: the same payload from Harbor 1.x */
        if (strcmp(type, "PUSH_ARTIFACT") != 0 && strcmp(type, "pushImage") != 0)
                return 0;
        return harbor_resources(data, NULL, out);
}

static bool harbor_ce_detect(const json_t *root, const struct http_request *req)
{
        const char *type = json_path_str(root, "type");
        (void)req;

        return json_path_str(root, "specversion") && type &&
               strncmp(type, "harbor.", 7) == 0;
}

static int harbor_ce_parse(const json_t *root, const struct http_request *req,
                           struct event_list *out)
{
        const char *type = json_path_str(root, "type");
        const json_t *data = json_object_get(root, "data");
        (void)req;

        if (!json_path_str(root, "specversion") || !type || !json_is_object(data))
                return -EBADMSG;
        if (strcmp(type, "harbor.artifact.pushed") != 0)
                return 0;
        return harbor_resources(data, json_path_str(root, "id"), out);
}

const struct format format_harbor = {
        .name = "harbor",
        .detect = harbor_detect,
        .parse = harbor_parse,
};

const struct format format_harbor_cloudevents = {
        .name = "harbor-cloudevents",
        .detect = harbor_ce_detect,
        .parse = harbor_ce_parse,
};
