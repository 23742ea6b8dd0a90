/* formats: one parser per registry webhook format, and the table that
 * detection walks.
 *
 * A parser gets the parsed JSON root (and the request, for headers) and
 * appends normalised push events; pulls, deletes, scans and blob-only
 * events are dropped here, duplicates collapse in event_list_add(). */
#pragma once

#include <stdbool.h>
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

/* The format with this name, or NULL. */
const struct format *format_find(const char *name);

/* Small helpers shared by the parsers. */

/* json_string_value of root's member at a dotted path ("target.repository"),
 * or NULL when a member is missing or not a string. */
const char *json_path_str(const json_t *root, const char *dotted);

/* Split "host/ns/repo" into host and repository when the first component
 * looks like a registry host (has '.' or ':' or is "localhost").  Returns
 * 0 or -EINVAL. */
int split_host_repo(const char *ref, char *host, size_t host_len,
                    char *repo, size_t repo_len);

extern const struct format format_distribution;
