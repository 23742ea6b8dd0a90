/* formats: one parser per registry webhook format, and the table that
 * detection walks.
 *
 * A parser gets the parsed JSON root (and the request, for headers) and
 * appends normalised push events; pulls, deletes, scans and blob-only
 * events are dropped here, duplicates collapse in event_list_add().
 * Everything in a payload comes from the network: every member's type is
 * checked before it is used. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "../event.h"
#include "../http.h"

struct format {
        const char *name;
        /* true when the headers or the payload's shape say it is this
         * format.  req may be NULL.  Must not allocate. */
        bool (*detect)(const json_t *root, const struct http_request *req);
        /* 0, or -EBADMSG when the payload claims this format but its
         * shape is wrong, or -E2BIG from event_list_add(). */
        int (*parse)(const json_t *root, const struct http_request *req,
                     struct event_list *out);
};

/* NULL-terminated, in detection order: the most specific formats first. */
extern const struct format *const formats[];

/* Another name a format is known by; NULL-terminated. */
struct format_alias {
        const char *alias, *name;
};
extern const struct format_alias format_aliases[];

/* The format with this name or alias, or NULL. */
const struct format *format_find(const char *name);

/* Small helpers shared by the parsers. */

/* json_string_value of root's member at a dotted path ("target.repository"),
 * or NULL when a member is missing or not a string. */
const char *json_path_str(const json_t *root, const char *dotted);

/* A header's value, or NULL when absent or when req is NULL. */
const char *format_header(const struct http_request *req, const char *name);

/* Parse JSON that was nested inside a payload (base64, a form field) with
 * the limits event_parse() applies to a body: nesting depth, duplicate
 * keys.  Returns a new reference or NULL. */
json_t *format_json_load(const char *buf, size_t len);

/* A tag that names a pushed image: not empty, and not a digest (the
 * untagged children of a multi-arch push and by-digest pushes carry the
 * digest where the tag would be). */
bool format_tag_wanted(const char *tag);

/* Manifest media types; blob pushes are application/octet-stream or
 * layer types.  NULL (not given) counts as a manifest. */
bool format_manifest_type(const char *media_type);

/* Append the push of registry/repository:tag.  Returns 0 without adding
 * anything when the tag is not wanted (above).  registry, repository,
 * tag and digest must validate (push_event_set()) or it is -EBADMSG;
 * media_type and event_id are only hints and are dropped when they do
 * not.  -E2BIG or -ENOMEM from event_list_add(). */
int format_add(struct event_list *out, const char *registry,
               const char *repository, const char *tag, const char *digest,
               const char *media_type, const char *event_id);

/* Lowercased copy of src.  Returns 0 or -EINVAL when it does not fit. */
int format_lower(char *dst, size_t size, const char *src);

/* The host of a URL ("https://user@Host:8443/x" -> "host:8443") or of a
 * reference ("quay.io/ns/repo" -> "quay.io"): after an optional scheme,
 * up to the first '/', without user info, lowercased.  Returns 0 or
 * -EINVAL when empty or too long. */
int format_url_host(const char *url, char *host, size_t size);

/* A full reference as registries print it: "host/path[:tag][@digest]".
 * The first component is always the host (payloads name it), the tag may
 * be empty ("ghcr.io/o/r:"), nothing is lowercased or defaulted. */
struct format_ref {
        char host[REGISTRY_HOST_MAX];
        char repository[REPOSITORY_MAX];
        char tag[TAG_MAX];
        char digest[DIGEST_MAX];
};

/* Returns 0 or -EINVAL (no host, empty repository, a part too long). */
int format_ref_split(const char *ref, struct format_ref *out);

/* The JSON of a GitHub-style form body, "payload=<urlencoded JSON>"
 * (other fields are ignored).  Stores a malloc'd, NUL-terminated copy in
 * *json (free() it) and its length in *json_len.  Returns 0, -EBADMSG
 * (no payload field, a bad %-escape, a NUL) or -ENOMEM. */
int format_form_payload(const char *body, size_t len, char **json,
                        size_t *json_len);

extern const struct format format_acr;
extern const struct format format_distribution;
extern const struct format format_dockerhub;
extern const struct format format_ecr;
extern const struct format format_gar;
extern const struct format format_gitea;
extern const struct format format_github;
extern const struct format format_harbor;
extern const struct format format_harbor_cloudevents;
extern const struct format format_jfrog;
extern const struct format format_nexus;
extern const struct format format_quay;
extern const struct format format_zot;
