/* api: the operator's API, one request per process (redock-api.socket). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "secret.h"
#include "state.h"

/* What the Authorization header grants. */
enum grant { GRANT_NONE, GRANT_READ, GRANT_ALL };

static enum grant grant_of(const struct config *cfg, const struct http_request *req)
{
        const char *authz = http_header(req, "Authorization");
        /* both compared whatever the first said: the time tells nothing */
        bool all = cfg->api_token && secret_authorization_ok(authz, cfg->api_token);
        bool read = cfg->api_read_token && secret_authorization_ok(authz, cfg->api_read_token);

        return all ? GRANT_ALL : read ? GRANT_READ : GRANT_NONE;
}

static int answer(bool cgi, int status, const char *json)
{
        return http_write_response(STDOUT_FILENO, cgi, status, json);
}

static int answer_metrics(const struct config *cfg, bool cgi)
{
        struct state *st = NULL;
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        int r;

        if (!f)
                return answer(cgi, 500, "{\"error\":\"out of memory\"}");
        /* no database yet is no history yet, not an error */
        if (state_open(cfg->state_dir, &st) < 0)
                st = NULL;
        r = metrics_write(cfg, st, f);
        if (st)
                state_close(st);
        if (fclose(f) != 0 || r < 0) {
                free(text);
                return answer(cgi, 500, "{\"error\":\"cannot read redock's state\"}");
        }
        r = http_write_typed(STDOUT_FILENO, cgi, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, text, len,
                             false);
        free(text);
        return r;
}

static bool is_get(const struct http_request *req)
{
        return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

int api_serve(const struct config *cfg)
{
        struct http_request req = { 0 };
        bool cgi = getenv("GATEWAY_INTERFACE") != NULL;
        const char *from;
        enum grant grant;
        int status;

        status = cgi ? http_read_cgi_request(STDIN_FILENO, cfg->request_timeout_ms, &req)
                     : http_read_request(STDIN_FILENO, cfg->request_timeout_ms, &req);
        if (status < 0)
                return EXIT_SUCCESS;    /* the peer left before sending anything */
        from = req.remote_addr[0] ? req.remote_addr : "(local)";
        if (status > 0) {
                char body[64];

                snprintf(body, sizeof(body), "{\"error\":\"%s\"}", http_reason(status));
                log_msg(LOG_WARNING, "api: bad request from %s: %d %s", from, status, http_reason(status));
                answer(cgi, status, body);
                goto out;
        }
        /* the one path without a token, on both sockets */
        if (strcmp(req.path, "/ping") == 0) {
                if (is_get(&req))
                        answer(cgi, 200, "{\"message\":\"pong\"}");
                else
                        http_write_response_allow(STDOUT_FILENO, cgi, 405, "GET, HEAD",
                                                  "{\"error\":\"Method Not Allowed\"}");
                goto out;
        }
        grant = grant_of(cfg, &req);
        if (grant == GRANT_NONE) {
                static const char body[] = "{\"error\":\"unauthorized\"}\n";

                log_msg(LOG_WARNING, "api: refused %s %s from %s: %s", req.method, req.path, from,
                        cfg->api_token || cfg->api_read_token ? "bad or missing token"
                                                              : "no [api] token or read-token is configured");
                /* Basic too, so that a browser asks for it (the token as password) */
                http_write_typed(STDOUT_FILENO, cgi, 401, "application/json",
                                 "WWW-Authenticate: Basic realm=\"redock\", charset=\"UTF-8\"\r\n", body,
                                 sizeof(body) - 1, false);
                goto out;
        }
        if (!is_get(&req) && grant != GRANT_ALL) {
                log_msg(LOG_WARNING, "api: refused %s %s from %s: the read-token may only read", req.method,
                        req.path, from);
                answer(cgi, 403, "{\"error\":\"this token may only read\"}");
                goto out;
        }
        if (strcmp(req.path, "/metrics") == 0) {
                if (is_get(&req))
                        answer_metrics(cfg, cgi);
                else
                        http_write_response_allow(STDOUT_FILENO, cgi, 405, "GET, HEAD",
                                                  "{\"error\":\"Method Not Allowed\"}");
                goto out;
        }
        /* the webhook's paths are the webhook socket's, never this one's */
        answer(cgi, 404, "{\"error\":\"not found\"}");
out:
        http_request_free(&req);
        return EXIT_SUCCESS;
}
