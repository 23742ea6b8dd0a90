/* api: the operator's API, one request per process (redock-api.socket). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "apiroute.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "secret.h"
#include "state.h"

static enum api_grant grant_of(const struct config *cfg, const struct http_request *req)
{
        const char *authz = http_header(req, "Authorization");
        /* both compared whatever the first said: the time tells nothing */
        bool all = cfg->api_token && secret_authorization_ok(authz, cfg->api_token);
        bool read = cfg->api_read_token && secret_authorization_ok(authz, cfg->api_read_token);

        return all ? API_GRANT_ALL : read ? API_GRANT_READ : API_GRANT_NONE;
}

int api_answer(const struct api_call *call, int status, const char *json)
{
        return http_write_response(STDOUT_FILENO, call->cgi, status, json);
}

int api_answer_json(const struct api_call *call, int status, const void *json_t_value)
{
        char *text = json_dumps(json_t_value, JSON_COMPACT);
        int r;

        if (!text)
                return api_answer(call, 500, "{\"error\":\"out of memory\"}");
        r = api_answer(call, status, text);
        free(text);
        return r;
}

int api_method_not_allowed(const struct api_call *call, const char *allow)
{
        return http_write_response_allow(STDOUT_FILENO, call->cgi, 405, allow, "{\"error\":\"Method Not Allowed\"}");
}

bool api_is_get(const struct api_call *call)
{
        return strcmp(call->req->method, "GET") == 0 || strcmp(call->req->method, "HEAD") == 0;
}

int api_metrics(const struct api_call *call)
{
        struct state *st = NULL;
        char *text = NULL;
        size_t len = 0;
        FILE *f;
        int r;

        if (!api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        f = open_memstream(&text, &len);
        if (!f)
                return api_answer(call, 500, "{\"error\":\"out of memory\"}");
        /* no database yet is no history yet, not an error */
        if (state_open(call->cfg->state_dir, &st) < 0)
                st = NULL;
        r = metrics_write(call->cfg, st, f);
        if (st)
                state_close(st);
        if (fclose(f) != 0 || r < 0) {
                free(text);
                return api_answer(call, 500, "{\"error\":\"cannot read redock's state\"}");
        }
        r = http_write_typed(STDOUT_FILENO, call->cgi, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, text, len,
                             false);
        free(text);
        return r;
}

/* The endpoints.  exact: the path is the route; else a prefix, the
 * rest handed on (a repository may hold '/'). */
static const struct route {
        const char *path;
        bool exact;
        int (*serve)(const struct api_call *call);
} routes[] = {
        { "/metrics", true, api_metrics },
        { "/v1/update", true, api_update },
        { "/repos", true, api_repos },
        { "/tags/", false, api_tags },
        { "/pending", true, api_pending },
        { "/pending/", false, api_pending },
        { "/status", true, api_status },
        { "/history", true, api_history },
        { "/", true, api_page },
};

static const struct route *route_of(const char *path, const char **rest)
{
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
                size_t n = strlen(routes[i].path);

                if (routes[i].exact ? strcmp(path, routes[i].path) == 0 : strncmp(path, routes[i].path, n) == 0) {
                        *rest = path + n;
                        return &routes[i];
                }
        }
        return NULL;
}

int api_serve(const struct config *cfg)
{
        struct http_request req = { 0 };
        struct api_call call = { .cfg = cfg, .req = &req, .cgi = getenv("GATEWAY_INTERFACE") != NULL };
        const struct route *route;
        int status;

        status = call.cgi ? http_read_cgi_request(STDIN_FILENO, cfg->request_timeout_ms, &req)
                          : http_read_request(STDIN_FILENO, cfg->request_timeout_ms, &req);
        if (status < 0)
                return EXIT_SUCCESS;    /* the peer left before sending anything */
        call.from = req.remote_addr[0] ? req.remote_addr : "(local)";
        if (status > 0) {
                char body[64];

                snprintf(body, sizeof(body), "{\"error\":\"%s\"}", http_reason(status));
                log_msg(LOG_WARNING, "api: bad request from %s: %d %s", call.from, status, http_reason(status));
                api_answer(&call, status, body);
                goto out;
        }
        /* the one path without a token, on both sockets */
        if (strcmp(req.path, "/ping") == 0) {
                if (api_is_get(&call))
                        api_answer(&call, 200, "{\"message\":\"pong\"}");
                else
                        api_method_not_allowed(&call, "GET, HEAD");
                goto out;
        }
        call.grant = grant_of(cfg, &req);
        if (call.grant == API_GRANT_NONE) {
                static const char body[] = "{\"error\":\"unauthorized\"}\n";

                log_msg(LOG_WARNING, "api: refused %s %s from %s: %s", req.method, req.path, call.from,
                        cfg->api_token || cfg->api_read_token ? "bad or missing token"
                                                              : "no [api] token or read-token is configured");
                /* Basic too, so that a browser asks for it (the token as password) */
                http_write_typed(STDOUT_FILENO, call.cgi, 401, "application/json",
                                 "WWW-Authenticate: Basic realm=\"redock\", charset=\"UTF-8\"\r\n", body,
                                 sizeof(body) - 1, false);
                goto out;
        }
        if (!api_is_get(&call) && call.grant != API_GRANT_ALL) {
                log_msg(LOG_WARNING, "api: refused %s %s from %s: the read-token may only read", req.method,
                        req.path, call.from);
                api_answer(&call, 403, "{\"error\":\"this token may only read\"}");
                goto out;
        }
        /* the webhook's paths are the webhook socket's, never this one's */
        route = route_of(req.path, &call.rest);
        if (route)
                route->serve(&call);
        else
                api_answer(&call, 404, "{\"error\":\"not found\"}");
out:
        http_request_free(&req);
        return EXIT_SUCCESS;
}
