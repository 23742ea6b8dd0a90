/* api: the operator's API (`redock api`), one request per process, from
 * redock-api.socket (Accept=yes) or as CGI.  It faces operators, not
 * registries: the webhook's /hooks/ paths are not served here, as the
 * webhook socket serves none of these.
 *
 *   GET /ping        {"message":"pong"}, without a token
 *   GET /metrics     Prometheus text (metrics.h)
 *   and the endpoints apiroute.h lists, each in its own module
 *
 * Everything but /ping wants "Authorization: Bearer TOKEN" or Basic auth
 * with the token as the password (any user name): [api] token for every
 * method, [api] read-token for GET and HEAD only (403 otherwise).  A
 * wrong or missing token is a 401 that says nothing more. */
#pragma once

#include "config.h"

/* Read, check and answer one request.  Returns the exit status. */
int api_serve(const struct config *cfg);
