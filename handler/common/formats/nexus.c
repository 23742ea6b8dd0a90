/* Sonatype Nexus Repository 3 repository component webhooks
 * (X-Nexus-Webhook-Id: rm:repository:component):
 * {"action": "CREATED", "repositoryName": "docker-hosted",
 *  "component": {"format": "docker", "name": "team/app", "version": "1.0"}}
 *
 * A Docker component is an image name and tag; a re-pushed tag updates
 * it.  The payload names neither host nor digest: the host is the
 * source's configured registry (empty here).  Asset, repository and
 * audit webhooks carry no component and are not pushes. */
#include <errno.h>
#include <string.h>

#include "formats.h"

static bool nexus_detect(const json_t *root, const struct http_request *req)
{
        const char *id = format_header(req, "X-Nexus-Webhook-Id");

        if (id && strncmp(id, "rm:", 3) == 0)
                return true;
        return json_path_str(root, "nodeId") && json_path_str(root, "repositoryName") &&
               (json_is_object(json_object_get(root, "component")) ||
                json_is_object(json_object_get(root, "asset")));
}

static int nexus_parse(const json_t *root, const struct http_request *req,
                       struct event_list *out)
{
        const char *id = format_header(req, "X-Nexus-Webhook-Id");
        const json_t *comp = json_object_get(root, "component");
        const char *action = json_path_str(root, "action");
        const char *fmt = json_path_str(comp, "format");
        const char *name = json_path_str(comp, "name");
        const char *version = json_path_str(comp, "version");

        if (id && strcmp(id, "rm:repository:component") != 0)
                return 0;
        if (!comp && json_is_object(json_object_get(root, "asset")))
                return 0;
        if (!json_is_object(comp) || !action || !fmt)
                return -EBADMSG;
        if (strcmp(fmt, "docker") != 0 ||
            (strcmp(action, "CREATED") != 0 && strcmp(action, "UPDATED") != 0))
                return 0;
        if (!name || !version)
                return -EBADMSG;
        return format_add(out, "", name, version, NULL, NULL,
                          format_header(req, "X-Nexus-Webhook-Delivery"));
}

const struct format format_nexus = {
        .name = "nexus",
        .detect = nexus_detect,
        .parse = nexus_parse,
};
