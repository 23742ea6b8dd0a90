/* redock: verbs and options, nothing else. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "api.h"
#include "apply.h"
#include "config.h"
#include "docker.h"
#include "drain.h"
#include "generator.h"
#include "historyprint.h"
#include "http.h"
#include "intake.h"
#include "log.h"
#include "notify.h"
#include "parseverb.h"
#include "poll.h"
#include "privdrop.h"
#include "shutdown.h"
#include "since.h"
#include "status.h"
#include "state.h"
#include "update.h"

#define ACTIVE_CONFIG_DEFAULT "/var/lib/redock/redock.conf"
#ifndef REDOCK_HOOK_PATH
#define REDOCK_HOOK_PATH "/usr/lib/redock/redock-hook"
#endif

static void usage(FILE *f)
{
        fputs("usage: redock [-c FILE]                  serve one webhook request (inetd or CGI)\n"
              "       redock [-c FILE] drain [--once]   process the queue until it is empty\n"
              "       redock [-c FILE] update [--force] NAME...\n"
              "                                         check and replace these containers now\n"
              "       redock [-c FILE] update --all     the same for every selected container\n"
              "       redock [-c FILE] poll [--dry-run] [--no-drain]\n"
              "                                         ask the registries for the selected containers' tags,\n"
              "                                         queue and apply what changed\n"
              "       redock [-c FILE] status [--json] [NAME...]\n"
              "                                         watched containers, their labels, last outcome, the queue\n"
              "       redock [-c FILE] config check     validate the configuration\n"
              "       redock [-c FILE] config apply [--to PATH]\n"
              "                                         validate, then install as the active configuration\n"
              "       redock [-c FILE] parse [--source NAME] [-H 'Name: value']... FILE|-\n"
              "                                         show the push events a payload holds\n"
              "       redock [-c FILE] history [--json] [-n N] [--container NAME] [--outcome O[,O...]]\n"
              "                                [--since AGE|DATE]\n"
              "                                         the newest N decisions (default 20, 0 = all)\n"
              "       redock [-c FILE] api                serve one operator API request (redock-api.socket)\n"
              "       redock [-c FILE] notify test [NAME...]\n"
              "                                         send a test message to these notifiers (default all)\n"
              "       redock [-c FILE] generator DIR [EARLY LATE]\n"
              "                                         write split mode's drop-in for redock@.service\n"
              "       redock version | --version | -V\n"
              "options: -c, --config FILE   configuration (default $REDOCK_CONFIG or " CONFIG_DEFAULT_PATH ")\n"
              "         --to PATH           where config apply installs (default " ACTIVE_CONFIG_DEFAULT ")\n"
              "         -s, --source NAME   parse as this source would (its format and hosts)\n"
              "         -H, --header 'N: V' a request header for parse (repeatable)\n"
              "         --once              drain: one try, no waiting for the lock, no retries\n"
              "         --all               update: every selected container\n"
              "         --force             update: also a container that is not selected\n"
              "         --dry-run           poll: decide and log, queue nothing\n"
              "         --no-drain          poll: queue only; redock-drain.path applies it\n"
              "         --json              status: one JSON document; history: one JSON object per line\n"
              "         -n, --lines N       history: how many rows\n"
              "         --container NAME    history: this container's or service's decisions only\n"
              "         --outcome O[,O...]  history: only these outcomes (updated, failed, ...)\n"
              "         --since AGE|DATE    history: since 30m, 2h, 3d, 1w ago or a UTC date\n"
              "                             (2026-12-01, 2026-12-01T10:00)\n"
              "         -h, --help\n", f);
}

static void print_version(void)
{
        printf("redock %s (Docker API up to %s)\n", REDOCK_VERSION, DOCKER_CLIENT_API_MAX);
}

/* A request on stdin for bare `redock` (older socket units and CGI
 * set-ups run it so): the hook serves it, which links far less. */
static int verb_serve(const char *config_path)
{
        const char *hook = getenv("REDOCK_HOOK");

        if (!hook || !*hook)
                hook = REDOCK_HOOK_PATH;
        if (isatty(STDIN_FILENO) && !getenv("GATEWAY_INTERFACE")) {
                /* a person at a terminal, not a connection */
                usage(stderr);
                return 2;
        }
        execl(hook, "redock-hook", "-c", config_path, (char *)NULL);
        log_msg(LOG_ERR, "cannot run the webhook handler %s: %m", hook);
        http_write_response(STDOUT_FILENO, getenv("GATEWAY_INTERFACE") != NULL, 503,
                            "{\"error\":\"not installed\"}");
        return EXIT_FAILURE;
}

/* After a successful config_load: run as root, become the owner of the
 * state directory before anything touches it (privdrop.h), and read the
 * configuration again as that user, as the service reads it.  On
 * failure cfg is freed and the reason said. */
static int become_state_owner(const char *config_path, struct config *cfg)
{
        int r = privdrop_to_state_owner(cfg->state_dir, cfg->docker_host);

        if (r < 0)
                log_msg(LOG_ERR, "cannot switch to the owner of %s: %s; its state is not touched as root",
                        cfg->state_dir, strerror(-r));
        if (r == 0)
                return 0;
        config_free(cfg);
        if (r > 0 && config_load(config_path, cfg, stderr) != 0)
                r = -EINVAL;
        return r < 0 ? r : 0;
}

/* One operator API request on stdin (redock-api.socket) or from CGI. */
static int verb_api(const char *config_path, int argc)
{
        struct config cfg;
        int rc;

        if (argc > 0) {
                fputs("redock api: takes no arguments (it serves one request on stdin)\n", stderr);
                return 2;
        }
        if (isatty(STDIN_FILENO) && !getenv("GATEWAY_INTERFACE")) {
                fputs("redock api: serves one HTTP request on stdin (redock-api.socket, or CGI)\n", stderr);
                return 2;
        }
        if (config_load(config_path, &cfg, stderr) != 0) {
                http_write_response(STDOUT_FILENO, getenv("GATEWAY_INTERFACE") != NULL, 500,
                                    "{\"error\":\"configuration\"}");
                return EXIT_FAILURE;
        }
        rc = api_serve(&cfg);
        config_free(&cfg);
        return rc;
}

/* notify test [NAME...]: a test message to each named [notify NAME]
 * (all when none is named), read as the drain reads the configuration;
 * one line per notifier, "NAME\tsent" or "NAME\tfailed\tWHY". */
static int verb_notify(const char *config_path, int argc, char **argv)
{
        struct config cfg;
        int bad = 0, failed = 0;
        bool stop = false;

        if (argc < 1 || strcmp(argv[0], "test") != 0) {
                fputs("usage: redock notify test [NAME...]\n", stderr);
                return 2;
        }
        if (config_load(config_path, &cfg, stderr) != 0 || become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        if (cfg.n_notifiers == 0) {
                fprintf(stderr, "redock notify test: %s has no [notify NAME] section\n", cfg.path);
                bad++;
        }
        for (int i = 1; i < argc; i++)
                if (!config_notifier(&cfg, argv[i])) {
                        fprintf(stderr, "redock notify test: no [notify %s] in %s\n", argv[i], cfg.path);
                        bad++;
                }
        /* a name that is not there: nothing is sent */
        for (size_t k = 0; bad == 0 && k < cfg.n_notifiers && !stop; k++) {
                const struct notifier *nt = &cfg.notifiers[k];
                bool wanted = argc == 1;
                char why[256] = "";

                for (int i = 1; i < argc; i++)
                        wanted |= strcmp(argv[i], nt->name) == 0;
                if (!wanted)
                        continue;
                if (notify_test(nt, why, sizeof(why)) == 0) {
                        printf("%s\tsent\n", nt->name);
                } else {
                        printf("%s\tfailed\t%s\n", nt->name, why);
                        failed++;
                }
                fflush(stdout);
                stop = shutdown_requested();
        }
        config_free(&cfg);
        return bad || failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int verb_drain(const char *config_path, bool once)
{
        struct config cfg;
        struct drain_stats st;
        int r;

        if (config_load(config_path, &cfg, stderr) != 0 || become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        /* what split-mode webhooks left in the inbox (in either mode: the
         * mode may just have changed) */
        intake_inbox(&cfg, !once);
        /* --once (the hook's exec after an answer, or a person): no wait
         * for the queue lock, no retries; what Docker refuses stays
         * queued for redock-drain.service */
        r = drain_queue(&cfg, &st, !once);
        log_msg(LOG_INFO, "drain: %d job(s) done, %d updated, %d unchanged, %d failed, %d kept",
                st.jobs, st.updated, st.unchanged, st.failed, st.kept);
        config_free(&cfg);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int verb_update(const char *config_path, const struct update_request *req, int argc, char **argv)
{
        struct config cfg;
        int r;

        if (argc == 0 && !req->all) {
                fputs("redock update: name at least one container, or use --all\n", stderr);
                return 2;
        }
        if (argc > 0 && req->all) {
                fputs("redock update: --all takes no container names\n", stderr);
                return 2;
        }
        if (config_load(config_path, &cfg, stderr) != 0 || become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        r = drain_update_names(&cfg, argv, argc, req, stdout);
        config_free(&cfg);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int verb_poll(const char *config_path, const struct poll_opts *po, bool no_drain, int argc)
{
        struct poll_stats ps;
        struct config cfg;
        int r;

        if (argc != 0) {
                fputs("redock poll: takes no names; it polls every selected container and service\n", stderr);
                return 2;
        }
        if (config_load(config_path, &cfg, stderr) != 0 || become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        r = poll_run(&cfg, po, &ps);
        if (r == 0)
                log_msg(LOG_INFO, "poll: %d target(s), %d tag(s) asked, %d changed, %d unchanged, %d failed, %d job(s) queued",
                        ps.targets, ps.asked, ps.changed, ps.unchanged, ps.failed, ps.queued);
        /* what was queued is applied now, as the webhook's inline drain
         * does (no waiting for the lock: a drain that holds it takes
         * these jobs too), unless redock-drain.path is to */
        if (r == 0 && ps.queued > 0 && !no_drain) {
                struct drain_stats st;

                r = drain_queue(&cfg, &st, false);
                log_msg(LOG_INFO, "drain: %d job(s) done, %d updated, %d unchanged, %d failed, %d kept",
                        st.jobs, st.updated, st.unchanged, st.failed, st.kept);
        }
        config_free(&cfg);
        return r < 0 || ps.failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int verb_config(const char *config_path, const char *to, int argc, char **argv)
{
        struct config cfg;
        char *errs = NULL;
        size_t errs_len = 0;
        FILE *ef;
        int r;

        if (argc != 1 || (strcmp(argv[0], "check") != 0 && strcmp(argv[0], "apply") != 0)) {
                fputs("redock config: use 'config check' or 'config apply'\n", stderr);
                return 2;
        }
        ef = open_memstream(&errs, &errs_len);
        if (!ef)
                return EXIT_FAILURE;
        r = config_load(config_path, &cfg, ef);
        fclose(ef);
        if (r != 0) {
                /* every problem, each with its file and line */
                for (char *line = errs, *next; line && *line; line = next) {
                        next = strchr(line, '\n');
                        if (next)
                                *next++ = '\0';
                        log_msg(LOG_ERR, "%s", line);
                }
                if (strcmp(argv[0], "apply") == 0)
                        log_msg(LOG_ERR, "configuration %s not applied; the last good one stays active",
                                config_path);
                free(errs);
                return EXIT_FAILURE;
        }
        free(errs);
        /* what is valid but likely not meant: said, and still exit 0 */
        errs = NULL;
        ef = open_memstream(&errs, &errs_len);
        if (ef) {
                config_warn(&cfg, ef);
                fclose(ef);
                for (char *line = errs, *next; line && *line; line = next) {
                        next = strchr(line, '\n');
                        if (next)
                                *next++ = '\0';
                        log_msg(LOG_WARNING, "warning: %s", line);
                }
                free(errs);
        }
        if (strcmp(argv[0], "check") == 0) {
                config_free(&cfg);
                printf("%s: OK\n", config_path);
                return EXIT_SUCCESS;
        }
        /* the active copy is the service's to read: written as its user */
        if (become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        r = config_apply(config_path, &cfg, to);
        if (r == 0) {
                log_msg(LOG_NOTICE, "configuration %s applied as %s (mode = %s)", config_path, to,
                        cfg.split ? "split" : "inline");
                generator_mode_notice(&cfg);
        }
        config_free(&cfg);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The options each verb takes, as bits: getopt_long reads them before
 * the verb is known, and an option the verb does not take must be
 * refused, not ignored. */
enum {
        OPT_CONFIG = 1 << 0, OPT_TO = 1 << 1, OPT_SOURCE = 1 << 2, OPT_HEADER = 1 << 3,
        OPT_JSON = 1 << 4, OPT_LINES = 1 << 5, OPT_ONCE = 1 << 6, OPT_CONTAINER = 1 << 7,
        OPT_OUTCOME = 1 << 8, OPT_SINCE = 1 << 9, OPT_ALL = 1 << 10, OPT_FORCE = 1 << 11,
        OPT_DRY_RUN = 1 << 12, OPT_NO_DRAIN = 1 << 13,
};

static const struct { unsigned bit; const char *name; } opt_names[] = {
        { OPT_CONFIG, "-c/--config" }, { OPT_TO, "--to" }, { OPT_SOURCE, "-s/--source" },
        { OPT_HEADER, "-H/--header" }, { OPT_JSON, "--json" }, { OPT_LINES, "-n/--lines" },
        { OPT_ONCE, "--once" }, { OPT_CONTAINER, "--container" }, { OPT_OUTCOME, "--outcome" },
        { OPT_SINCE, "--since" }, { OPT_ALL, "--all" }, { OPT_FORCE, "--force" },
        { OPT_DRY_RUN, "--dry-run" }, { OPT_NO_DRAIN, "--no-drain" },
};

/* 0 when every option given is one verb takes; else says which is not
 * and returns 2 (the usage error's exit status). */
static int only_options(const char *verb, unsigned given, unsigned takes)
{
        unsigned extra = given & ~takes;

        for (size_t i = 0; extra && i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
                if (extra & opt_names[i].bit) {
                        fprintf(stderr, "redock %s: %s is not an option of %s\n", verb,
                                opt_names[i].name, verb);
                        usage(stderr);
                        return 2;
                }
        return 0;
}

static int verb_status(const char *config_path, bool json, int argc, char **argv)
{
        struct status_args sa = { .json = json, .names = argv, .n_names = argc };
        struct config cfg;
        int r;

        for (int i = 0; i < argc; i++)
                if (argv[i][0] == '-' || argv[i][0] == '\0') {
                        fprintf(stderr, "redock status: '%s' is not a container or service name\n",
                                argv[i]);
                        usage(stderr);
                        return 2;
                }
        if (config_load(config_path, &cfg, stderr) != 0 || become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        r = status_run(&cfg, &sa, stdout);
        config_free(&cfg);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

struct history_args {
        bool json;
        int limit;
        const char *container;
        const char *outcome;    /* "failed,rolled-back" */
        const char *since;
};

/* --outcome's list ("failed,rolled-back") into f, each a known outcome,
 * none twice.  Returns 0 or 2 (said why). */
static int parse_outcomes(const char *list, struct history_filter *f)
{
        for (const char *tok = list, *end; *tok; tok = *end ? end + 1 : end) {
                size_t len, i;
                bool dup = false;

                end = strchrnul(tok, ',');
                len = (size_t)(end - tok);
                if (len == 0)
                        continue;
                for (i = 0; state_outcomes[i] && (strlen(state_outcomes[i]) != len ||
                                                  strncmp(state_outcomes[i], tok, len) != 0); i++)
                        ;
                if (!state_outcomes[i]) {
                        fprintf(stderr, "redock history: unknown outcome '%.*s'; one of:", (int)len, tok);
                        for (i = 0; state_outcomes[i]; i++)
                                fprintf(stderr, "%s %s", i ? "," : "", state_outcomes[i]);
                        fputc('\n', stderr);
                        return 2;
                }
                for (int k = 0; k < f->n_outcomes; k++)
                        dup |= f->outcomes[k] == state_outcomes[i];
                if (!dup && f->n_outcomes < HISTORY_OUTCOMES_MAX)
                        f->outcomes[f->n_outcomes++] = state_outcomes[i];
        }
        if (f->n_outcomes == 0) {
                fputs("redock history: --outcome wants one or more outcomes, e.g. --outcome failed,rolled-back\n",
                      stderr);
                return 2;
        }
        return 0;
}

static int verb_history(const char *config_path, const struct history_args *ha, int argc)
{
        struct history_filter f = { .limit = ha->limit, .target = ha->container };
        struct config cfg;
        struct state *st;
        int r;

        if (argc != 0) {
                fputs("redock history: takes no names; for one container's decisions use --container NAME\n",
                      stderr);
                return 2;
        }
        if (ha->limit < 0) {
                fputs("redock history: -n wants a count (0 = all)\n", stderr);
                return 2;
        }
        if (ha->container && !*ha->container) {
                fputs("redock history: --container wants a name\n", stderr);
                return 2;
        }
        if (ha->since) {
                r = since_parse(ha->since, (long long)time(NULL), &f.since);
                if (r < 0) {
                        fprintf(stderr, "redock history: --since '%s': %s\n", ha->since, r == -ERANGE
                                ? "out of range"
                                : "give an age (30m, 2h, 3d, 1w) or a UTC date (2026-12-01, 2026-12-01T10:00)");
                        return 2;
                }
        }
        if (ha->outcome && parse_outcomes(ha->outcome, &f) != 0)
                return 2;
        if (config_load(config_path, &cfg, stderr) != 0 || become_state_owner(config_path, &cfg) < 0)
                return EXIT_FAILURE;
        r = state_open(cfg.state_dir, &st);
        if (r == 0) {
                r = state_print_history(st, stdout, &f, ha->json);
                state_close(st);
        }
        if (r < 0)
                fprintf(stderr, "redock history: %s/redock.db: %s\n", cfg.state_dir, strerror(-r));
        config_free(&cfg);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "config", required_argument, NULL, 'c' },
                { "to",     required_argument, NULL, 't' },
                { "source", required_argument, NULL, 's' },
                { "header", required_argument, NULL, 'H' },
                { "json",   no_argument,       NULL, 'j' },
                { "lines",  required_argument, NULL, 'n' },
                { "once",   no_argument,       NULL, 'o' },
                { "all",    no_argument,       NULL, 'A' },
                { "force",  no_argument,       NULL, 'F' },
                { "container", required_argument, NULL, 'C' },
                { "outcome", required_argument,  NULL, 'O' },
                { "since",  required_argument, NULL, 'S' },
                { "dry-run", no_argument,      NULL, 'D' },
                { "no-drain", no_argument,     NULL, 'N' },
                { "help",   no_argument,       NULL, 'h' },
                { "version", no_argument,      NULL, 'V' },
                { NULL, 0, NULL, 0 },
        };
        const char *config_path = getenv("REDOCK_CONFIG");
        const char *to = ACTIVE_CONFIG_DEFAULT;
        struct parse_args pa = { 0 };
        struct history_args ha = { .limit = 20 };
        struct update_request ur = { 0 };
        struct poll_opts po = { 0 };
        bool no_drain = false;
        const char *verb;
        bool once = false;
        unsigned given = 0;
        int c, rc;

        if (!config_path || !*config_path)
                config_path = CONFIG_DEFAULT_PATH;
        {
                const char *base = strrchr(argv[0], '/');

                base = base ? base + 1 : argv[0];
                /* systemd runs generators with three directories, nothing else */
                if (strcmp(base, "redock-generator") == 0)
                        return generator_run(CONFIG_DEFAULT_PATH, argc - 1, argv + 1);
                /* a CGI server (fcgiwrap) runs a program without
                 * arguments: under this name it is `redock api` */
                if (strcmp(base, "redock-api") == 0)
                        return verb_api(config_path, 0);
        }
        while ((c = getopt_long(argc, argv, "c:hs:H:n:V", opts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        given |= OPT_CONFIG;
                        config_path = optarg;
                        break;
                case 't':
                        given |= OPT_TO;
                        to = optarg;
                        break;
                case 's':
                        given |= OPT_SOURCE;
                        pa.source = optarg;
                        break;
                case 'H':
                        given |= OPT_HEADER;
                        if (pa.n_headers == HTTP_MAX_HEADERS) {
                                fputs("redock: too many -H headers\n", stderr);
                                return 2;
                        }
                        pa.headers[pa.n_headers++] = optarg;
                        break;
                case 'j':
                        given |= OPT_JSON;
                        ha.json = true;
                        break;
                case 'o':
                        given |= OPT_ONCE;
                        once = true;
                        break;
                case 'A':
                        given |= OPT_ALL;
                        ur.all = true;
                        break;
                case 'F':
                        given |= OPT_FORCE;
                        ur.force = true;
                        break;
                case 'D':
                        given |= OPT_DRY_RUN;
                        po.dry_run = true;
                        break;
                case 'N':
                        given |= OPT_NO_DRAIN;
                        no_drain = true;
                        break;
                case 'C':
                        given |= OPT_CONTAINER;
                        ha.container = optarg;
                        break;
                case 'O':
                        given |= OPT_OUTCOME;
                        ha.outcome = optarg;
                        break;
                case 'S':
                        given |= OPT_SINCE;
                        ha.since = optarg;
                        break;
                case 'n': {
                        char *end;
                        long v;

                        given |= OPT_LINES;
                        errno = 0;
                        v = strtol(optarg, &end, 10);
                        /* anything but a plain count is refused by the verb */
                        ha.limit = errno || end == optarg || *end || v < 0 || v > 1000000 ? -1 : (int)v;
                        break;
                }
                case 'h':
                        usage(stdout);
                        return EXIT_SUCCESS;
                case 'V':
                        print_version();
                        return EXIT_SUCCESS;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        log_init();
        /* A registry that gave up waiting must not kill us with SIGPIPE
         * when we answer: the event is queued and still to be drained.
         * Writes report EPIPE instead. */
        signal(SIGPIPE, SIG_IGN);
        shutdown_init();
        curl_global_init(CURL_GLOBAL_DEFAULT);
        verb = optind < argc ? argv[optind++] : NULL;
        argc -= optind;
        argv += optind;

        if (!verb)
                rc = verb_serve(config_path);
        else if (strcmp(verb, "drain") == 0)
                rc = argc == 0 ? verb_drain(config_path, once) : 2;
        else if (strcmp(verb, "update") == 0)
                rc = only_options(verb, given, OPT_CONFIG | OPT_ALL | OPT_FORCE) ?:
                     verb_update(config_path, &ur, argc, argv);
        else if (strcmp(verb, "poll") == 0)
                rc = only_options(verb, given, OPT_CONFIG | OPT_DRY_RUN | OPT_NO_DRAIN) ?:
                     verb_poll(config_path, &po, no_drain, argc);
        else if (strcmp(verb, "status") == 0)
                rc = only_options(verb, given, OPT_CONFIG | OPT_JSON) ?:
                     verb_status(config_path, ha.json, argc, argv);
        else if (strcmp(verb, "parse") == 0)
                rc = parse_verb(config_path, &pa, argc, argv);
        else if (strcmp(verb, "history") == 0)
                rc = only_options(verb, given, OPT_CONFIG | OPT_JSON | OPT_LINES | OPT_CONTAINER |
                                               OPT_OUTCOME | OPT_SINCE) ?:
                     verb_history(config_path, &ha, argc);
        else if (strcmp(verb, "config") == 0)
                rc = verb_config(config_path, to, argc, argv);
        else if (strcmp(verb, "notify") == 0)
                rc = only_options(verb, given, OPT_CONFIG) ?: verb_notify(config_path, argc, argv);
        else if (strcmp(verb, "generator") == 0)
                rc = generator_run(config_path, argc, argv);
        else if (strcmp(verb, "api") == 0)
                rc = only_options(verb, given, OPT_CONFIG) ?: verb_api(config_path, argc);
        else if (strcmp(verb, "version") == 0) {
                print_version();
                rc = EXIT_SUCCESS;
        } else {
                fprintf(stderr, "redock: unknown verb '%s'\n", verb);
                usage(stderr);
                rc = 2;
        }
        curl_global_cleanup();
        return rc;
}
