/* Distribution (registry 2.x/3.x) and GitLab notification envelopes:
 * {"events": [{"action": "push", "target": {...}, "request": {...}}]}
 *
 * Only manifest pushes that name a tag are kept.  A multi-arch push sends
 * its untagged platform manifests first and the tagged index last; blobs,
 * pulls, mounts and deletes carry no tag or another action. */
#include <errno.h>
#include <string.h>

#include "formats.h"

static bool distribution_detect(const json_t *root,
                                const struct http_request *req)
{
        const char *ct = format_header(req, "Content-Type");

        /* ...events.v1+json from 2.x, ...events.v2+json from 3.x */
        if (ct && strncmp(ct, "application/vnd.docker.distribution.events.", 43) == 0)
                return true;
        return json_is_array(json_object_get(root, "events"));
}

static int distribution_parse(const json_t *root,
                              const struct http_request *req,
                              struct event_list *out)
{
        const json_t *events = json_object_get(root, "events");
        const json_t *e;
        size_t i;
        (void)req;

        if (!json_is_array(events))
                return -EBADMSG;

        json_array_foreach(events, i, e) {
                const char *action = json_path_str(e, "action");
                const char *tag = json_path_str(e, "target.tag");
                const char *repo = json_path_str(e, "target.repository");
                const char *host = json_path_str(e, "request.host");
                const char *mt = json_path_str(e, "target.mediaType");
                int r;

                if (!json_is_object(e))
                        return -EBADMSG;
                if (!action || strcmp(action, "push") != 0)
                        continue;
                if (!json_is_object(json_object_get(e, "target")))
                        return -EBADMSG;
                if (!format_tag_wanted(tag) || !format_manifest_type(mt))
                        continue;
                if (!repo || !host)
                        return -EBADMSG;
                r = format_add(out, host, repo, tag,
                               json_path_str(e, "target.digest"), mt,
                               json_path_str(e, "id"));
                if (r < 0)
                        return r;
        }
        return 0;
}

const struct format format_distribution = {
        .name = "distribution",
        .detect = distribution_detect,
        .parse = distribution_parse,
};
