/* redock-hook: what runs for each webhook connection.
 *
 * It reads the request (stdin and stdout are the connection, or the CGI
 * environment), checks the token or signature, parses the payload,
 * queues the push events durably, answers and releases the peer.  It
 * links only what that needs: no libcurl, no SQLite, each of which
 * would cost its load time on every request.  When it queued work in
 * inline mode it execs the full redock to drain the queue (same PID, so
 * the unit's limits still hold); in split mode redock-drain.path takes
 * the job. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "serve.h"
#include "shutdown.h"

#ifndef REDOCK_ENGINE_PATH
#define REDOCK_ENGINE_PATH "/usr/sbin/redock"
#endif

static void usage(FILE *f)
{
        fputs("usage: redock-hook [-c FILE]\n"
              "Serves one webhook request from stdin and stdout (inetd style, as redock.socket\n"
              "runs it) or from the CGI environment (GATEWAY_INTERFACE set), then exits.\n"
              "options: -c, --config FILE   configuration (default $REDOCK_CONFIG or "
              CONFIG_DEFAULT_PATH ")\n", f);
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "config", required_argument, NULL, 'c' },
                { "help",   no_argument,       NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        const char *config_path = getenv("REDOCK_CONFIG");
        const char *engine = getenv("REDOCK_ENGINE");
        struct serve_outcome out;
        struct config cfg;
        int c, rc;

        if (!config_path || !*config_path)
                config_path = CONFIG_DEFAULT_PATH;
        if (!engine || !*engine)
                engine = REDOCK_ENGINE_PATH;
        while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        config_path = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        return EXIT_SUCCESS;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc) {
                usage(stderr);
                return 2;
        }
        log_init();
        /* A registry that gave up waiting must not kill us with SIGPIPE
         * when we answer: the event is queued and still to be drained. */
        signal(SIGPIPE, SIG_IGN);
        shutdown_init();

        /* not the [api] or [notify] secret files: each request would
         * read them, and this process uses neither */
        if (config_load_for_hook(config_path, &cfg, stderr) != 0) {
                log_msg(LOG_ERR, "configuration %s is not usable; answering 503", config_path);
                http_write_response(STDOUT_FILENO, getenv("GATEWAY_INTERFACE") != NULL, 503,
                                    "{\"error\":\"not configured\"}");
                return EXIT_FAILURE;
        }
        rc = serve_request(&cfg, &out);
        config_free(&cfg);
        if (!out.drain)
                return rc;
        fault_point("after-queue");
        /* the Docker work, after the answer: one drain that neither waits
         * for the queue lock nor retries (redock-drain.service does) */
        execl(engine, "redock", "-c", config_path, "drain", "--once", (char *)NULL);
        log_msg(LOG_ERR, "cannot run %s to apply the queued push (%m); it stays queued for redock-drain.service",
                engine);
        return rc;
}
