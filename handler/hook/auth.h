/* auth: does this request carry the source's secret?
 *
 * Every comparison runs in time independent of where the strings differ
 * and of their lengths; a failure says nothing of what was wrong. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "http.h"
#include "secret.h"

/* Is the request from this source?  Its address must be in allow-from
 * (when set).  With auth = token the secret may come as
 * "Authorization: Bearer T", as the password of Basic auth, as the whole
 * Authorization value (GitLab, Harbor), in token-header, as ?token=T, or
 * as a path segment /hooks/NAME/T.  With an HMAC scheme the signature
 * header must hold the HMAC of the raw body keyed with the secret. */
bool auth_check(const struct source *src, const struct http_request *req);
