/* Azure Container Registry webhooks: one bare event per POST, shaped like
 * one Distribution event, {"action": "push", "target": {...},
 * "request": {"host": ...}}.  Actions are push, delete, chart_push,
 * chart_delete, quarantine and ping; only image pushes with a tag count
 * (chart_push is a Helm chart, not an image). */
#include <errno.h>
#include <string.h>

#include "formats.h"

static bool acr_detect(const json_t *root, const struct http_request *req)
{
        const char *action = json_path_str(root, "action");
        (void)req;

        /* not wrapped in "events"; a ping may come with no target, so
         * answer it rather than call it an unknown format */
        if (!action || json_object_get(root, "events"))
                return false;
        return json_is_object(json_object_get(root, "target")) ||
               json_is_object(json_object_get(root, "request")) ||
               strcmp(action, "ping") == 0;
}

static int acr_parse(const json_t *root, const struct http_request *req,
                     struct event_list *out)
{
        const char *action = json_path_str(root, "action");
        const json_t *target = json_object_get(root, "target");
        const char *tag = json_path_str(target, "tag");
        const char *repo = json_path_str(target, "repository");
        const char *host = json_path_str(root, "request.host");
        const char *mt = json_path_str(target, "mediaType");
        (void)req;

        if (!action || json_object_get(root, "events"))
                return -EBADMSG;
        if (strcmp(action, "push") != 0)
                return 0;
        if (!json_is_object(target))
                return -EBADMSG;
        if (!format_tag_wanted(tag) || !format_manifest_type(mt))
                return 0;
        if (!repo || !host)
                return -EBADMSG;
        return format_add(out, host, repo, tag, json_path_str(target, "digest"),
                          mt, json_path_str(root, "id"));
}

const struct format format_acr = {
        .name = "acr",
        .detect = acr_detect,
        .parse = acr_parse,
};
