/* serve: read, check, route and answer one webhook request. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "event.h"
#include "http.h"
#include "log.h"
#include "route.h"
#include "serve.h"

int serve_request(struct config *cfg, struct serve_outcome *out)
{
        struct http_request req = { 0 };
        struct route_result res;
        const char *mode;
        int status;

        memset(out, 0, sizeof(*out));
        out->cgi = getenv("GATEWAY_INTERFACE") != NULL;
        status = out->cgi ? http_read_cgi_request(STDIN_FILENO, cfg->request_timeout_ms, &req)
                          : http_read_request(STDIN_FILENO, cfg->request_timeout_ms, &req);
        if (status < 0)
                return EXIT_SUCCESS;    /* the peer left before sending anything */
        if (status > 0) {
                char body[64];

                snprintf(body, sizeof(body), "{\"error\":\"%s\"}", http_reason(status));
                log_msg(LOG_WARNING, "bad request from %s: %d %s",
                        req.remote_addr[0] ? req.remote_addr : "(local)", status, http_reason(status));
                http_write_response(STDOUT_FILENO, out->cgi, status, body);
                http_release(out->cgi);
                http_request_free(&req);
                return EXIT_SUCCESS;
        }

        /* split mode: the configuration asks for it, or the generated
         * drop-in does (REDOCK_MODE=split), whatever the configuration
         * says: that process can only queue into the inbox */
        mode = getenv("REDOCK_MODE");
        if (mode && strcmp(mode, "split") == 0)
                cfg->split = true;

        route_request(cfg, &req, &res);
        http_write_response_allow(STDOUT_FILENO, out->cgi, res.status, res.allow, res.body);
        http_release(out->cgi);
        http_request_free(&req);

        /* after the answer: a unit set-up problem is no reason to keep
         * the registry waiting */
        if (cfg->split && strncmp(cfg->docker_host, "unix://", 7) == 0 &&
            access(cfg->docker_host + 7, W_OK) == 0)
                log_msg(LOG_WARNING, "mode = split, yet this webhook process can write the Docker socket %s: "
                        "run 'systemctl daemon-reload' so that redock@.service gets its split-mode drop-in",
                        cfg->docker_host + 7);
        out->drain = res.drain && !cfg->split;
        return EXIT_SUCCESS;
}
