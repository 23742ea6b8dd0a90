/* zot's events extension: CloudEvents in binary mode, the event type in
 * the Ce-Type header and the data as the body:
 * Ce-Type: zotregistry.image.updated
 * {"name": "team/app", "reference": "1.0", "digest": "sha256:...",
 *  "mediaType": "...", "manifest": "<the manifest, as a string>"}
 *
 * Newer zot may replace the "zotregistry" prefix (typePrefix).  The
 * reference is a digest for by-digest pushes.  The body names no host:
 * the source's configured registry fills it in. */
#include <errno.h>
#include <string.h>

#include "formats.h"

static bool has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), m = strlen(suffix);

        return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool zot_detect(const json_t *root, const struct http_request *req)
{
        const char *type = format_header(req, "Ce-Type");
        (void)root;

        return type && (strncmp(type, "zotregistry.", 12) == 0 ||
                        has_suffix(type, ".image.updated") ||
                        has_suffix(type, ".image.deleted") ||
                        has_suffix(type, ".image.lint_failed") ||
                        has_suffix(type, ".repository.created"));
}

static int zot_parse(const json_t *root, const struct http_request *req,
                     struct event_list *out)
{
        const char *type = format_header(req, "Ce-Type");
        const char *name = json_path_str(root, "name");
        const char *ref = json_path_str(root, "reference");

        if (!type || !json_is_object(root))
                return -EBADMSG;
        if (!has_suffix(type, ".image.updated"))
                return 0;
        if (!name || !ref)
                return -EBADMSG;
        return format_add(out, "", name, ref, json_path_str(root, "digest"),
                          json_path_str(root, "mediaType"),
                          format_header(req, "Ce-Id"));
}

const struct format format_zot = {
        .name = "zot",
        .detect = zot_detect,
        .parse = zot_parse,
};
