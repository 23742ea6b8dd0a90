/* apiroute: what one operator API endpoint is handed, and the handlers
 * api.c routes to.  Each handler answers the request itself (one
 * response on stdout) and returns 0, or -errno when even that failed.
 * api.c has checked the token already: call->grant says what it allows
 * (a GET and HEAD only with GRANT_READ). */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "http.h"

enum api_grant { API_GRANT_NONE, API_GRANT_READ, API_GRANT_ALL };

struct api_call {
        const struct config *cfg;
        const struct http_request *req;
        const char *rest;               /* the path after the route's prefix ("" for an exact route) */
        const char *from;               /* the peer, for log lines */
        enum api_grant grant;
        bool cgi;
};

/* answers for every endpoint: a JSON body (api_answer_json: a NULL
 * value, jansson out of memory, is a 500), and 405 with Allow */
int api_answer(const struct api_call *call, int status, const char *json);
int api_answer_json(const struct api_call *call, int status, const void *json_t_value);
int api_method_not_allowed(const struct api_call *call, const char *allow);
bool api_is_get(const struct api_call *call);

/* GET /metrics (api.c) */
int api_metrics(const struct api_call *call);
/* GET|POST /v1/update[?image=a,b] (apiupdate.c) */
int api_update(const struct api_call *call);
/* GET /repos, GET|POST /tags/<repo>, POST /tags/<repo>/reset (apirepos.c) */
int api_repos(const struct api_call *call);
int api_tags(const struct api_call *call);
/* GET /pending, POST /pending/<id>/approve|reject (apipending.c) */
int api_pending(const struct api_call *call);
/* GET / (the page), GET /status, GET /history (apipage.c) */
int api_page(const struct api_call *call);
int api_status(const struct api_call *call);
int api_history(const struct api_call *call);
