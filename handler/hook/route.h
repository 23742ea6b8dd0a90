/* route: from a parsed request to a response, by path.
 *
 *   POST /hooks/<source>   a registry's webhook: auth, parse, queue
 *   POST /hooks/<source>/<secret>   the same, secret in the path
 *   GET  /ping             liveness
 *
 * Everything here is on the request path: it must be quick and must not
 * touch Docker.  Docker work happens after the answer (drain). */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "hostmap.h"
#include "http.h"

struct route_result {
        int status;
        char body[256];         /* small JSON object */
        bool drain;             /* jobs were queued (or a duplicate came): drain after answering */
        char allow[16];         /* with a 405: the methods the path takes (Allow:) */
        char source[SOURCE_NAME_MAX + 1];
};

void route_request(const struct config *cfg, const struct http_request *req,
                   struct route_result *out);
