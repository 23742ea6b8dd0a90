/* Google Artifact Registry (and Container Registry) notifications, pushed
 * by a Pub/Sub push subscription:
 * {"message": {"data": "<base64>", "messageId": "..."}, "subscription": "..."}
 * where data is {"action": "INSERT", "digest": "host/path@sha256:...",
 *                "tag": "host/path:tag"}.
 * A subscription with "no wrapper" (payload unwrapping) POSTs the data
 * itself.  One push brings a digest-only INSERT and, when tagged, an
 * INSERT with the tag too: only the latter names what containers follow.
 * DELETE is not a push. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base64.h"
#include "formats.h"

static bool is_gar_data(const json_t *data)
{
        const char *action = json_path_str(data, "action");

        return action && (strcmp(action, "INSERT") == 0 ||
                          strcmp(action, "DELETE") == 0) &&
               (json_path_str(data, "tag") || json_path_str(data, "digest"));
}

static bool gar_detect(const json_t *root, const struct http_request *req)
{
        (void)req;
        return (json_path_str(root, "message.data") &&
                json_path_str(root, "subscription")) || is_gar_data(root);
}

static int gar_data(const json_t *data, const char *event_id,
                    struct event_list *out)
{
        const char *action = json_path_str(data, "action");
        const char *tag = json_path_str(data, "tag");
        const char *digest = json_path_str(data, "digest");
        struct format_ref t, d;

        if (!action)
                return -EBADMSG;
        if (strcmp(action, "INSERT") != 0 || !tag)
                return 0;
        if (format_ref_split(tag, &t) < 0 || t.digest[0])
                return -EBADMSG;
        /* the digest reference names the same image */
        if (digest && (format_ref_split(digest, &d) < 0 ||
                       strcmp(d.host, t.host) != 0 ||
                       strcmp(d.repository, t.repository) != 0))
                return -EBADMSG;
        return format_add(out, t.host, t.repository, t.tag,
                          digest ? d.digest : NULL, NULL, event_id);
}

static int gar_parse(const json_t *root, const struct http_request *req,
                     struct event_list *out)
{
        const json_t *msg = json_object_get(root, "message");
        const json_t *b64 = json_object_get(msg, "data");
        const char *id = json_path_str(msg, "messageId");
        unsigned char *buf;
        json_t *data;
        long n;
        int r;
        (void)req;

        if (!msg && is_gar_data(root))
                return gar_data(root, NULL, out);
        if (!json_is_object(msg) || !json_is_string(b64))
                return -EBADMSG;
        buf = malloc(BASE64_DECODED_MAX(json_string_length(b64)));
        if (!buf)
                return -ENOMEM;
        n = base64_decode(json_string_value(b64), json_string_length(b64), buf);
        data = n < 0 ? NULL : format_json_load((const char *)buf, (size_t)n);
        free(buf);
        if (!json_is_object(data)) {
                json_decref(data);
                return -EBADMSG;
        }
        r = gar_data(data, id ? id : json_path_str(msg, "message_id"), out);
        json_decref(data);
        return r;
}

const struct format format_gar = {
        .name = "gar",
        .detect = gar_detect,
        .parse = gar_parse,
};
