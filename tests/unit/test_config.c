/* config: loading redock.conf files written to a temporary directory,
 * with every problem reported as "PATH:LINE: message". */
#include "check_main.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "apply.h"
#include "config.h"
#include "formats/formats.h"
#include "bounds.h"

/* what an unknown format is told (formats.c's table and aliases, sorted) */
#define FORMAT_LIST "auto, acr, distribution, dockerhub, ecr, gar, gitea, github, gitlab, harbor, " \
                    "harbor-cloudevents, jfrog, nexus, quay or zot"

static char dir[64];
static char conf[128];          /* DIR/redock.conf */
static char *errs;              /* what config_load printed */
static size_t errs_len;
static struct config cfg;

static void setup(void)
{
        strcpy(dir, "/tmp/redock-config-test-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(conf, sizeof(conf), "%s/redock.conf", dir);
        unsetenv("DOCKER_HOST");
        unsetenv("CREDENTIALS_DIRECTORY");
        errs = NULL;
        errs_len = 0;
        memset(&cfg, 0, sizeof(cfg));
}

static void teardown(void)
{
        config_free(&cfg);
        free(errs);
        rm_tree(dir);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
        FILE *f = fopen(path, "w");

        ck_assert_ptr_nonnull(f);
        ck_assert_int_ge(fputs(text, f), 0);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(chmod(path, mode), 0);
}

/* Write text as the config and load it with loader; errs holds what
 * was printed. */
static int load_by(int (*loader)(const char *, struct config *, FILE *), const char *text)
{
        FILE *ef;
        int r;

        write_file(conf, text, 0600);
        free(errs);
        errs = NULL;
        ef = open_memstream(&errs, &errs_len);
        ck_assert_ptr_nonnull(ef);
        r = loader(conf, &cfg, ef);
        ck_assert_int_eq(fclose(ef), 0);
        return r;
}

static int load(const char *text)
{
        return load_by(config_load, text);
}

/* errs must be exactly these lines, each "CONF:LINE: message". */
__attribute__((format(printf, 1, 2)))
static void expect_errs(const char *fmt, ...)
{
        char *want = NULL, *line, *save = NULL, *copy;
        char *full = NULL;
        size_t full_len = 0;
        FILE *f = open_memstream(&full, &full_len);
        va_list ap;

        ck_assert_ptr_nonnull(f);
        va_start(ap, fmt);
        ck_assert_int_ge(vasprintf(&want, fmt, ap), 0);
        va_end(ap);
        copy = want;
        for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                fprintf(f, "%s:%s\n", conf, line);
        fclose(f);
        ck_assert_str_eq(errs ? errs : "", full);
        free(want);
        free(full);
}

START_TEST(valid_config)
{
        int r = load("# redock\n"
                     "[redock]\n"
                     "queue-dir = /srv/q\n"
                     "state-dir = /srv/state\n"
                     "\n"
                     "[docker]\n"
                     "host = tcp://127.0.0.1:2375\n"
                     "stop-timeout = 0\n"
                     "health-timeout = 3600\n"
                     "min-uptime = 5\n"
                     "\n"
                     "[source reg]\n"
                     "token = s3cret\n"
                     "registry = 127.0.0.1:5000\n"
                     "aliases = registry.local, registry.example.com:5000\n"
                     "format = distribution\n"
                     "\n"
                     "[source hub_2.x-y]\n"
                     "token = other ; an inline comment\n");

        ck_assert_int_eq(r, 0);
        ck_assert_str_eq(errs, "");
        ck_assert_str_eq(cfg.path, conf);
        ck_assert_str_eq(cfg.queue_dir, "/srv/q");
        ck_assert_str_eq(cfg.state_dir, "/srv/state");
        ck_assert_str_eq(cfg.docker_host, "tcp://127.0.0.1:2375");
        ck_assert_int_eq(cfg.stop_timeout, 0);
        ck_assert_int_eq(cfg.health_timeout, 3600);
        ck_assert_int_eq(cfg.min_uptime_ms, 5000);
        ck_assert_uint_eq(cfg.n_sources, 2);

        const struct source *s = config_source(&cfg, "reg");
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s->name, "reg");
        ck_assert_str_eq(s->token, "s3cret");
        ck_assert_str_eq(s->registry, "127.0.0.1:5000");
        ck_assert_uint_eq(s->n_aliases, 2);
        ck_assert_str_eq(s->aliases[0], "registry.local");
        ck_assert_str_eq(s->aliases[1], "registry.example.com:5000");
        ck_assert_str_eq(s->format, "distribution");
        ck_assert_int_eq(s->auth, AUTH_TOKEN);
        ck_assert_int_eq(s->line, 12);

        s = config_source(&cfg, "hub_2.x-y");
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s->token, "other");
        ck_assert_str_eq(s->format, "auto");
        ck_assert_str_eq(s->registry, "");
        ck_assert_uint_eq(s->n_aliases, 0);
        ck_assert_int_eq(s->line, 18);

        ck_assert_ptr_null(config_source(&cfg, "nope"));
        ck_assert_ptr_null(config_source(&cfg, "Reg"));
}
END_TEST

START_TEST(defaults)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\n"), 0);
        ck_assert_str_eq(errs, "");
        ck_assert_str_eq(cfg.docker_host, DOCKER_DEFAULT_HOST);
        ck_assert_str_eq(cfg.queue_dir, "/var/lib/redock/queue");
        ck_assert_str_eq(cfg.state_dir, "/var/lib/redock");
        ck_assert_int_eq(cfg.stop_timeout, 10);
        ck_assert_int_eq(cfg.health_timeout, 60);
        ck_assert_int_eq(cfg.min_uptime_ms, 1000);
        ck_assert_int_eq(cfg.request_timeout_ms, 10000);
        ck_assert(!cfg.dry_run);
        ck_assert_uint_eq(cfg.n_sources, 1);
        ck_assert_str_eq(cfg.sources[0].format, "auto");
        ck_assert_str_eq(cfg.sources[0].registry, "");
        ck_assert_int_eq(cfg.sources[0].hmac_bits, 256);
        ck_assert(!cfg.sources[0].match_any_host);
        ck_assert_uint_eq(cfg.sources[0].n_allow, 0);
        config_free(&cfg);

        /* DOCKER_HOST, as the docker CLI takes it, when the file is silent */
        setenv("DOCKER_HOST", "unix:///tmp/other.sock", 1);
        ck_assert_int_eq(load("[source a]\ntoken = t\n"), 0);
        ck_assert_str_eq(cfg.docker_host, "unix:///tmp/other.sock");
        config_free(&cfg);
        ck_assert_int_eq(load("[docker]\nhost = unix:///run/d.sock\n[source a]\ntoken = t\n"), 0);
        ck_assert_str_eq(cfg.docker_host, "unix:///run/d.sock");

        /* an empty file is a valid configuration without sources */
        config_free(&cfg);
        ck_assert_int_eq(load(""), 0);
        ck_assert_uint_eq(cfg.n_sources, 0);
        ck_assert_str_eq(cfg.docker_host, "unix:///tmp/other.sock");
}
END_TEST

START_TEST(missing_file)
{
        char path[160], want[256];
        FILE *ef;

        snprintf(path, sizeof(path), "%s/absent.conf", dir);
        ef = open_memstream(&errs, &errs_len);
        ck_assert_int_eq(config_load(path, &cfg, ef), -ENOENT);
        fclose(ef);
        snprintf(want, sizeof(want), "%s: %s\n", path, strerror(ENOENT));
        ck_assert_str_eq(errs, want);
        ck_assert_ptr_null(cfg.sources);
        ck_assert_ptr_null(cfg.path);
        /* errs may be NULL */
        ck_assert_int_eq(config_load(path, &cfg, NULL), -ENOENT);
}
END_TEST

START_TEST(unknown_section)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\n"
                              "[sources]\n"
                              "token = t\n"), 1);
        expect_errs("3: unknown section [sources]\n");
        /* nothing is left behind when loading fails */
        ck_assert_uint_eq(cfg.n_sources, 0);
        ck_assert_ptr_null(cfg.sources);
        ck_assert_ptr_null(cfg.docker_host);
}
END_TEST

START_TEST(unknown_key)
{
        ck_assert_int_eq(load("[redock]\n"
                              "queue-dir = /q\n"
                              "queue_dir = /q\n"
                              "[docker]\n"
                              "hots = unix:///x\n"
                              "[source a]\n"
                              "token = t\n"
                              "tokenfile = /x\n"), 3);
        expect_errs("3: unknown key 'queue_dir' in [redock]; did you mean 'queue-dir'?\n"
                    "5: unknown key 'hots' in [docker]; did you mean 'host'?\n"
                    "8: unknown key 'tokenfile' in [source a]; did you mean 'token-file'?\n");
}
END_TEST

/* [redock] select and include-stopped (issue 15): their defaults, each
 * value, and a wrong value named with the values allowed. */
START_TEST(select_and_include_stopped)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\n"), 0);
        ck_assert(!cfg.select_all);
        ck_assert(!cfg.include_stopped);
        config_free(&cfg);
        ck_assert_int_eq(load("[redock]\nselect = all\ninclude-stopped = yes\n"), 0);
        ck_assert_str_eq(errs, "");
        ck_assert(cfg.select_all);
        ck_assert(cfg.include_stopped);
        config_free(&cfg);
        ck_assert_int_eq(load("[redock]\nselect = labelled\ninclude-stopped = no\n"), 0);
        ck_assert(!cfg.select_all);
        ck_assert(!cfg.include_stopped);
        config_free(&cfg);
        ck_assert_int_eq(load("[redock]\nselect = labeled\ninclude-stopped = sometimes\n"), 2);
        expect_errs("2: select must be labelled or all\n"
                    "3: 'sometimes' is not yes or no\n");
}
END_TEST

START_TEST(when_to_deploy)
{
        long long min_age;
        const char *age_text, *win_text;
        const struct window *win;

        ck_assert_int_eq(load("[redock]\nmin-age = 72h\nwindow = Sat,Sun 02:00-05:00 Europe/Berlin\n"
                              "[source a]\ntoken = t\nwindow = 22:00-02:00 UTC\n[source b]\ntoken = t\nmin-age = 90s\n"), 0);
        ck_assert_str_eq(errs, "");
        /* a: its own window, [redock]'s min-age */
        config_when(&cfg, "a", &min_age, &age_text, &win, &win_text);
        ck_assert_int_eq(min_age, 72 * 3600);
        ck_assert_str_eq(age_text, "72h");
        ck_assert_str_eq(win_text, "22:00-02:00 UTC");
        ck_assert_int_eq(win->start, 22 * 60);
        /* b: its own min-age, [redock]'s window */
        config_when(&cfg, "b", &min_age, &age_text, &win, &win_text);
        ck_assert_int_eq(min_age, 90);
        ck_assert_str_eq(win_text, "Sat,Sun 02:00-05:00 Europe/Berlin");
        config_free(&cfg);

        /* none set: no minimum, any time */
        ck_assert_int_eq(load("[source a]\ntoken = t\n"), 0);
        config_when(&cfg, "a", &min_age, &age_text, &win, &win_text);
        ck_assert_int_eq(min_age, 0);
        ck_assert_ptr_null(age_text);
        ck_assert_ptr_null(win);
        config_free(&cfg);

        ck_assert_int_eq(load("[redock]\nmin-age = 3 days\nwindow = Sat 2:00-05:00\n"
                              "[source a]\ntoken = t\nwindow = Sat 02:00-05:00 Europe/Atlantis\n"), 3);
        expect_errs("2: min-age '3 days' is not a duration: a number and one of s, m, h, d, w (90s, 30m, 72h, 7d)\n"
                    "3: window: '2:00-05:00': want the times as HH:MM-HH:MM (00:00 to 24:00), e.g. 02:00-05:00\n"
                    "6: window: time zone 'Europe/Atlantis' is not in the TZ database (/usr/share/zoneinfo; package tzdata)\n");
}
END_TEST

START_TEST(bad_docker_host)
{
        ck_assert_int_eq(load("[docker]\nhost = /run/docker.sock\n"), 1);
        expect_errs("2: host must be unix://PATH or tcp://HOST:PORT\n");
        ck_assert_int_eq(load("[docker]\n\nhost = http://127.0.0.1:2375\n"), 1);
        expect_errs("3: host must be unix://PATH or tcp://HOST:PORT\n");
}
END_TEST

START_TEST(bad_numbers)
{
        /* one key a section at most: each bad value in a section of its own */
        ck_assert_int_eq(load("[docker]\nstop-timeout = -1\n"
                              "[docker]\nhealth-timeout = 0\n"
                              "[docker]\nmin-uptime = 601\n"), 3);
        expect_errs("2: stop-timeout must be 0..3600 seconds\n"
                    "4: health-timeout must be 1..3600 seconds\n"
                    "6: min-uptime must be 0..600 seconds\n");
        {
                static const char *const bad[][2] = {
                        { "stop-timeout", "3601" }, { "stop-timeout", "10s" }, { "stop-timeout", "" },
                        { "health-timeout", "99999999999999999999" }, { "min-uptime", "1.5" },
                };
                char text[128];
                for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                        snprintf(text, sizeof(text), "[docker]\n%s = %s\n", bad[i][0], bad[i][1]);
                        ck_assert_int_eq(load(text), 1);
                        ck_assert_msg(strstr(errs, " must be ") && strstr(errs, bad[i][0]), "%s", errs);
                }
        }

        /* the edges themselves are fine */
        ck_assert_int_eq(load("[docker]\nstop-timeout = 3600\nhealth-timeout = 1\nmin-uptime = 600\n"), 0);
        ck_assert_int_eq(cfg.stop_timeout, 3600);
        ck_assert_int_eq(cfg.health_timeout, 1);
        ck_assert_int_eq(cfg.min_uptime_ms, 600000);
        config_free(&cfg);
        ck_assert_int_eq(load("[docker]\nmin-uptime = 0\n"), 0);
        ck_assert_int_eq(cfg.min_uptime_ms, 0);
        config_free(&cfg);

        /* the webhook's whole-request deadline */
        ck_assert_int_eq(load("[redock]\n"
                              "request-timeout = 0\n"
                              "[redock]\n"
                              "request-timeout = 301\n"), 2);
        expect_errs("2: request-timeout must be 1..300 seconds\n"
                    "4: 'request-timeout' given twice in [redock] (first at line 2)\n");
        ck_assert_int_eq(load("[redock]\nrequest-timeout = 2.5\n"), 1);
        expect_errs("2: request-timeout must be 1..300 seconds\n");
        ck_assert_int_eq(load("[redock]\nrequest-timeout = 1\n"), 0);
        ck_assert_int_eq(cfg.request_timeout_ms, 1000);
        config_free(&cfg);
        ck_assert_int_eq(load("[redock]\nrequest-timeout = 300\n"), 0);
        ck_assert_int_eq(cfg.request_timeout_ms, 300000);
}
END_TEST

START_TEST(source_without_token)
{
        ck_assert_int_eq(load("[source good]\n"
                              "token = t\n"
                              "\n"
                              "[source bad]\n"
                              "registry = 127.0.0.1:5000\n"
                              "format = auto\n"), 1);
        expect_errs("4: source 'bad' has no token, token-file or token-credential\n");

        /* one thing per mistake: a refused token is not "no token" too */
        ck_assert_int_eq(load("[source a]\ntoken =\n"), 1);
        expect_errs("2: token must be 1..%d characters\n", SECRET_MAX);
}
END_TEST

START_TEST(bad_source_name)
{
        ck_assert_int_eq(load("[source .hidden]\n"
                              "token = t\n"
                              "[source a/b]\n"
                              "token = t\n"
                              "[source ok]\n"
                              "token = t\n"), 2);
        expect_errs("1: bad source name '.hidden' (use letters, digits, '.', '_', '-')\n"
                    "3: bad source name 'a/b' (use letters, digits, '.', '_', '-')\n");
}
END_TEST

START_TEST(source_names)
{
        char name[SOURCE_NAME_MAX + 2];

        ck_assert(source_name_valid("a"));
        ck_assert(source_name_valid("Reg-1.example_2"));
        ck_assert(source_name_valid("a.b"));
        ck_assert(!source_name_valid(""));
        ck_assert(!source_name_valid(".a"));
        ck_assert(!source_name_valid("a/b"));
        ck_assert(!source_name_valid("a b"));
        ck_assert(!source_name_valid("a%2f"));
        ck_assert(!source_name_valid("é"));
        memset(name, 'n', SOURCE_NAME_MAX);
        name[SOURCE_NAME_MAX] = '\0';
        ck_assert(source_name_valid(name));
        name[SOURCE_NAME_MAX] = 'n';
        name[SOURCE_NAME_MAX + 1] = '\0';
        ck_assert(!source_name_valid(name));
}
END_TEST

START_TEST(duplicate_source)
{
        ck_assert_int_eq(load("[source a]\n"
                              "token = one\n"
                              "[source b]\n"
                              "token = two\n"
                              "[source a]\n"
                              "token = three\n"), 1);
        expect_errs("5: source 'a' defined twice (first at line 1)\n");
}
END_TEST

START_TEST(duplicate_source_in_a_row)
{
        /* the second section right after the first is still a second one */
        ck_assert_int_eq(load("[source a]\n"
                              "token = one\n"
                              "[source a]\n"
                              "token = two\n"), 1);
        expect_errs("3: source 'a' defined twice (first at line 1)\n");
}
END_TEST

START_TEST(section_lines)
{
        /* a problem with a section is reported once, at its header, and a
         * source's own line is its header's, comments and BOM included */
        ck_assert_int_eq(load("\xEF\xBB\xBF[source a]\n"       /* 1 */
                              "registry = x\n"                 /* 2 */
                              "; [source z]\n"                 /* 3 */
                              "[redock]\n"                     /* 4 */
                              "  [source b]\n"                 /* 5: no key since 4 */
                              "registry = y\n"                 /* 6 */
                              "[nowhere]\n"                    /* 7 */
                              "a = 1\n"                        /* 8 */
                              "b = 2\n"                        /* 9 */
                              "[source bad/name]\n"            /* 10 */
                              "token = 1\n"                    /* 11 */
                              "registry = 2\n"), 4);           /* 12 */
        expect_errs("7: unknown section [nowhere]\n"
                    "10: bad source name 'bad/name' (use letters, digits, '.', '_', '-')\n"
                    "1: source 'a' has no token, token-file or token-credential\n"
                    "5: source 'b' has no token, token-file or token-credential\n");

        /* right after a key, an indented line continues its value (inih):
         * it opens no section, so this is not a second [source c] */
        ck_assert_int_eq(load("[source c]\ntoken = t\n  [source c]\nregistry = x\n"), 0);
        ck_assert_uint_eq(cfg.n_sources, 1);
        ck_assert_str_eq(cfg.sources[0].token, "[source c]");
        ck_assert_int_eq(cfg.sources[0].line, 1);
}
END_TEST

START_TEST(unknown_format)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\nformat = distributoin\n"), 1);
        expect_errs("3: unknown format 'distributoin': use " FORMAT_LIST "\n");
        ck_assert_int_eq(load("[source a]\ntoken = t\nformat = auto\n"), 0);
        ck_assert_str_eq(cfg.sources[0].format, "auto");
}
END_TEST

START_TEST(syntax_error)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\nthis is not a key\n"), 1);
        expect_errs("3: syntax error (expected [section] or key = value)\n");
        /* an unclosed header opens no section: its keys are outside any */
        ck_assert_int_eq(load("[source a\ntoken = t\n"), 2);
        expect_errs("2: 'token' is outside any [section]\n"
                    "1: syntax error (expected [section] or key = value)\n");
        ck_assert_int_eq(load("token = t\n[source a]\ntoken = t\n"), 1);
        expect_errs("1: 'token' is outside any [section]\n");
}
END_TEST

START_TEST(several_errors)
{
        ck_assert_int_eq(load("[redock]\n"                      /* 1 */
                              "bogus = 1\n"                     /* 2 */
                              "[docker]\n"                      /* 3 */
                              "host = ftp://x\n"                /* 4 */
                              "stop-timeout = soon\n"           /* 5 */
                              "[source a]\n"                    /* 6 */
                              "format = nope\n"                 /* 7 */
                              "[nowhere]\n"                     /* 8 */
                              "x = 1\n"                         /* 9 */
                              "not a line\n"                    /* 10 */
                              "[source b]\n"                    /* 11 */
                              "token = t\n"), 7);               /* 12 */
        expect_errs("2: unknown key 'bogus' in [redock]\n"
                    "4: host must be unix://PATH or tcp://HOST:PORT\n"
                    "5: stop-timeout must be 0..3600 seconds\n"
                    "7: unknown format 'nope': use " FORMAT_LIST "\n"
                    "8: unknown section [nowhere]\n"
                    "10: syntax error (expected [section] or key = value)\n"
                    "6: source 'a' has no token, token-file or token-credential\n");
}
END_TEST

START_TEST(long_line)
{
        /* longer than the INI reader's line buffer: refused at its line,
         * and the lines after it keep their numbers */
        char text[1024];
        char tok[400];

        memset(tok, 'k', sizeof(tok) - 1);
        tok[sizeof(tok) - 1] = '\0';
        snprintf(text, sizeof(text), "[source a]\ntoken = %s\nbogus = 1\n", tok);
        ck_assert_int_eq(load(text), 3);
        expect_errs("2: line longer than %d characters\n"
                    "3: unknown key 'bogus' in [source a]\n"
                    "1: source 'a' has no token, token-file or token-credential\n",
                    INI_MAX_LINE - 1);

        /* the longest line the reader takes, with and without a newline */
        memset(text, 'k', sizeof(text));
        memcpy(text, "[source a]\ntoken = ", 19);
        strcpy(text + 11 + INI_MAX_LINE - 1, "\n");
        ck_assert_int_eq(load(text), 0);
        ck_assert_uint_eq(strlen(cfg.sources[0].token), INI_MAX_LINE - 1 - 8);
        config_free(&cfg);
        text[11 + INI_MAX_LINE - 1] = '\0';
        ck_assert_int_eq(load(text), 0);
        ck_assert_uint_eq(strlen(cfg.sources[0].token), INI_MAX_LINE - 1 - 8);
}
END_TEST

static char *token_file(const char *content, mode_t mode)
{
        static char path[160];

        snprintf(path, sizeof(path), "%s/token", dir);
        unlink(path);
        write_file(path, content, mode);
        return path;
}

static int load_with_token_file(const char *path)
{
        char text[512];

        snprintf(text, sizeof(text), "[source a]\ntoken-file = %s\n", path);
        return load(text);
}

START_TEST(token_file_read)
{
        char *path = token_file("file-secret\n", 0600);

        ck_assert_int_eq(load_with_token_file(path), 0);
        ck_assert_str_eq(errs, "");
        ck_assert_str_eq(cfg.sources[0].token, "file-secret");
        ck_assert_str_eq(cfg.sources[0].token_file, path);
        config_free(&cfg);

        path = token_file("no-newline", 0400);
        ck_assert_int_eq(load_with_token_file(path), 0);
        ck_assert_str_eq(cfg.sources[0].token, "no-newline");
        config_free(&cfg);

        path = token_file("crlf\r\n", 0600);
        ck_assert_int_eq(load_with_token_file(path), 0);
        ck_assert_str_eq(cfg.sources[0].token, "crlf");
        config_free(&cfg);

        /* a token-file and a token: exactly one gives the secret */
        path = token_file("from-file\n", 0600);
        {
                char text[512];
                snprintf(text, sizeof(text), "[source a]\ntoken = inline\ntoken-file = %s\n", path);
                ck_assert_int_eq(load(text), 1);
                expect_errs("3: token-file: [source a] already has token (line 2); "
                            "give exactly one of token, token-file and token-credential\n");
        }
}
END_TEST

START_TEST(token_file_refused)
{
        char *path = token_file("file-secret\n", 0640);
        char want[512];

        /* said once: no "has no token" after it */
        ck_assert_int_eq(load_with_token_file(path), 1);
        snprintf(want, sizeof(want),
                 "2: token-file %s: readable or writable by group or others (chmod 600 it)\n", path);
        expect_errs("%s", want);

        path = token_file("file-secret\n", 0604);
        ck_assert_int_eq(load_with_token_file(path), 1);
        ck_assert_ptr_nonnull(strstr(errs, "readable or writable by group or others"));

        path = token_file("file-secret\n", 0620);
        ck_assert_int_eq(load_with_token_file(path), 1);
        ck_assert_ptr_nonnull(strstr(errs, "readable or writable by group or others"));

        path = token_file("", 0600);
        ck_assert_int_eq(load_with_token_file(path), 1);
        snprintf(want, sizeof(want), "%s:2: token-file %s: empty\n", conf, path);
        ck_assert(strncmp(errs, want, strlen(want)) == 0);

        path = token_file("\n", 0600);
        ck_assert_int_eq(load_with_token_file(path), 1);
        ck_assert(strncmp(errs, want, strlen(want)) == 0);

        snprintf(want, sizeof(want), "%s/absent", dir);
        ck_assert_int_eq(load_with_token_file(want), 1);
        ck_assert_ptr_nonnull(strstr(errs, strerror(ENOENT)));

        /* a directory is not a secret */
        ck_assert_int_eq(load_with_token_file(dir), 1);
        ck_assert_ptr_nonnull(strstr(errs, "not a regular file"));
}
END_TEST

START_TEST(token_file_limits)
{
        char secret[SECRET_MAX + 3];
        char *path;

        memset(secret, 's', SECRET_MAX);
        strcpy(secret + SECRET_MAX, "\n");
        path = token_file(secret, 0600);
        ck_assert_int_eq(load_with_token_file(path), 0);
        ck_assert_uint_eq(strlen(cfg.sources[0].token), SECRET_MAX);
        config_free(&cfg);

        memset(secret, 's', SECRET_MAX + 1);
        secret[SECRET_MAX + 1] = '\0';
        path = token_file(secret, 0600);
        ck_assert_int_eq(load_with_token_file(path), 1);
        ck_assert_ptr_nonnull(strstr(errs, "longer than the longest secret allowed"));
}
END_TEST

/* The whole file, or NULL. */
static char *slurp(const char *path)
{
        static char buf[8192];
        FILE *f = fopen(path, "r");
        size_t n;

        if (!f)
                return NULL;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        return buf;
}

static size_t lines_in(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

/* config apply's webhook.conf keeps the sections inih puts a line in:
 * an indented "[source x]" after a key is a continuation of that key to
 * inih (and so to config check), and the password after it stays in its
 * [registry] section, out of webhook.conf (issue 13). */
START_TEST(apply_webhook_copy_by_inih_sections)
{
        char active[200], webhook[200], sub[100];
        const char *w;
        struct config wcfg;

        snprintf(sub, sizeof(sub), "%s/active", dir);
        ck_assert_int_eq(mkdir(sub, 0700), 0);
        snprintf(active, sizeof(active), "%s/redock.conf", sub);
        snprintf(webhook, sizeof(webhook), "%s/webhook.conf", sub);
        ck_assert_int_eq(load("[redock]\n"
                              "mode = split\n"
                              "; a comment\n"
                              "[source manual]\n"
                              "token = hook-token-1\n"
                              "[registry 127.0.0.1:5000]\n"
                              "username = puller\n"
                              "  [source x]\n"
                              "password = pull-password-1\n"
                              "# registry note: pull-password-1\n"
                              "[docker]\n"
                              "stop-timeout = 5\n"), 0);
        ck_assert_int_eq(config_apply(conf, &cfg, active), 0);
        w = slurp(webhook);
        ck_assert_ptr_nonnull(w);
        ck_assert_msg(!strstr(w, "pull-password-1"), "a registry password in webhook.conf:\n%s", w);
        ck_assert_msg(!strstr(w, "puller") && !strstr(w, "[source x]") && !strstr(w, "registry"),
                      "a [registry] line in webhook.conf:\n%s", w);
        ck_assert_ptr_nonnull(strstr(w, "token = hook-token-1\n"));
        ck_assert_ptr_nonnull(strstr(w, "[docker]\nstop-timeout = 5\n"));
        ck_assert_ptr_nonnull(strstr(w, "; a comment\n"));
        ck_assert_uint_eq(lines_in(w), 12);
        /* and it is a valid configuration, as config check says */
        ck_assert_int_eq(config_load(webhook, &wcfg, stderr), 0);
        ck_assert_uint_eq(wcfg.n_creds, 0);
        ck_assert_uint_eq(wcfg.n_sources, 1);
        config_free(&wcfg);
        /* the active copy is the file, whole */
        w = slurp(active);
        ck_assert_ptr_nonnull(w);
        ck_assert_ptr_nonnull(strstr(w, "password = pull-password-1\n"));
}
END_TEST

START_TEST(token_credential)
{
        char cred[160];

        snprintf(cred, sizeof(cred), "%s/hook-token", dir);
        write_file(cred, "cred-secret\n", 0600);
        ck_assert_int_eq(load("[source a]\ntoken-credential = hook-token\n"), 1);
        expect_errs("2: token-credential needs $CREDENTIALS_DIRECTORY (LoadCredential=) and a plain name\n");

        setenv("CREDENTIALS_DIRECTORY", dir, 1);
        ck_assert_int_eq(load("[source a]\ntoken-credential = hook-token\n"), 0);
        ck_assert_str_eq(cfg.sources[0].token, "cred-secret");
        config_free(&cfg);
        ck_assert_int_eq(load("[source a]\ntoken-credential = ../hook-token\n"), 1);
        expect_errs("2: token-credential needs $CREDENTIALS_DIRECTORY (LoadCredential=) and a plain name\n");
        ck_assert_int_eq(load("[source a]\ntoken = t\ntoken-credential = hook-token\n"), 1);
        expect_errs("3: token-credential: [source a] already has token (line 2); "
                    "give exactly one of token, token-file and token-credential\n");
}
END_TEST

START_TEST(auth_keys)
{
        ck_assert_int_eq(load("[source gh]\n"
                              "token = k\n"
                              "auth = github\n"
                              "[source custom]\n"
                              "token = k\n"
                              "auth = hmac\n"
                              "hmac-header = X-Sig\n"
                              "hmac-algorithm = sha512\n"
                              "hmac-encoding = base64\n"
                              "hmac-prefix = v1=\n"
                              "allow-from = 192.0.2.0/24, 2001:db8::1\n"
                              "match-host = any\n"
                              "token-header = X-Token\n"), 0);
        ck_assert_str_eq(errs, "");
        const struct source *s = config_source(&cfg, "gh");
        ck_assert_int_eq(s->auth, AUTH_HMAC);
        ck_assert_str_eq(s->hmac_header, "X-Hub-Signature-256");
        ck_assert_str_eq(s->hmac_prefix, "sha256=");
        ck_assert_int_eq(s->hmac_bits, 256);
        ck_assert(!s->hmac_base64);
        s = config_source(&cfg, "custom");
        ck_assert_int_eq(s->auth, AUTH_HMAC);
        ck_assert_str_eq(s->hmac_header, "X-Sig");
        ck_assert_str_eq(s->hmac_prefix, "v1=");
        ck_assert_int_eq(s->hmac_bits, 512);
        ck_assert(s->hmac_base64);
        ck_assert_uint_eq(s->n_allow, 2);
        ck_assert(s->match_any_host);
        ck_assert_str_eq(s->token_header, "X-Token");
        config_free(&cfg);

        ck_assert_int_eq(load("[source a]\n"
                              "token = k\n"
                              "auth = hmac\n"
                              "hmac-algorithm = md5\n"
                              "hmac-encoding = hexx\n"
                              "allow-from = 192.0.2.0/33\n"
                              "match-host = some\n"
                              "[source b]\n"
                              "token = k\n"
                              "auth = password\n"), 6);
        expect_errs("4: hmac-algorithm must be sha1, sha256 or sha512\n"
                    "5: hmac-encoding must be hex or base64\n"
                    "6: allow-from: '192.0.2.0/33' is not an address or CIDR range\n"
                    "7: match-host must be exact or any\n"
                    "10: auth must be token, hmac, github, gitea, forgejo, nexus or jfrog\n"
                    "1: source 'a' uses auth = hmac but sets no hmac-header\n");
}
END_TEST

START_TEST(key_given_twice)
{
        ck_assert_int_eq(load("[redock]\n"                      /* 1 */
                              "dry-run = yes\n"                 /* 2 */
                              "[docker]\n"                      /* 3 */
                              "stop-timeout = 5\n"              /* 4 */
                              "[redock]\n"                      /* 5 */
                              "dry-run = no\n"                  /* 6: the same section again */
                              "[source a]\n"                    /* 7 */
                              "token = t\n"                     /* 8 */
                              "registry = r.example\n"          /* 9 */
                              "registry = s.example\n"          /* 10 */
                              "[source b]\n"                    /* 11: another source may */
                              "token = t\n"                     /* 12 */
                              "registry = r.example\n"          /* 13 */
                              "[registry r.example]\n"          /* 14 */
                              "username = u\n"                  /* 15 */
                              "password = p\n"                  /* 16 */
                              "username = v\n"                  /* 17 */
                              "[docker]\n"                      /* 18 */
                              "stop-timeout = 6\n"), 4);        /* 19 */
        expect_errs("6: 'dry-run' given twice in [redock] (first at line 2)\n"
                    "10: 'registry' given twice in [source a] (first at line 9)\n"
                    "17: 'username' given twice in [registry r.example] (first at line 15)\n"
                    "19: 'stop-timeout' given twice in [docker] (first at line 4)\n");

        /* the keys issue 15 added are in [redock]'s list too */
        ck_assert_int_eq(load("[redock]\nselect = all\ninclude-stopped = yes\nselect = labelled\n"
                              "include-stopped = no\n[source a]\ntoken = t\n"), 2);
        expect_errs("4: 'select' given twice in [redock] (first at line 2)\n"
                    "5: 'include-stopped' given twice in [redock] (first at line 3)\n");

        /* a continuation line (inih) is the same key going on, not twice */
        ck_assert_int_eq(load("[source a]\ntoken = t\nallow-from = 192.0.2.1\n  192.0.2.2\n"), 0);
        ck_assert_uint_eq(cfg.sources[0].n_allow, 2);
}
END_TEST

START_TEST(api_section)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\n[api]\ntoken = full\nread-token = reader\n"), 0);
        ck_assert_str_eq(cfg.api_token, "full");
        ck_assert_str_eq(cfg.api_read_token, "reader");
        config_free(&cfg);
        /* no [api]: no API tokens, and the API refuses everything but /ping */
        ck_assert_int_eq(load("[source a]\ntoken = t\n"), 0);
        ck_assert_ptr_null(cfg.api_token);
        ck_assert_ptr_null(cfg.api_read_token);
        config_free(&cfg);
        ck_assert_int_eq(load("[source a]\ntoken = t\n"
                              "[api]\n"                 /* 3 */
                              "token = a\n"             /* 4 */
                              "token-file = /nonexistent/redock-api-token\n" /* 5 */
                              "read-tokn = r\n"),       /* 6 */
                         2);
        expect_errs("5: token-file: [api] has its token already; give one of token and token-file\n"
                    "6: unknown key 'read-tokn' in [api]; did you mean 'read-token'?\n");
}
END_TEST

/* approve: [redock]'s is every source's default, a source's own wins;
 * [api] pending-expire is a duration, 7 days unless set. */
START_TEST(approvals)
{
        ck_assert_int_eq(load("[source a]\ntoken = t\n[source b]\ntoken = t\napprove = yes\n"), 0);
        ck_assert(!config_approve(&cfg, "a"));
        ck_assert(config_approve(&cfg, "b"));
        ck_assert(!config_approve(&cfg, NULL));
        ck_assert_int_eq(cfg.api_pending_expire, 7 * 86400);
        config_free(&cfg);
        ck_assert_int_eq(load("[redock]\napprove = yes\n[source a]\ntoken = t\n[source b]\ntoken = t\n"
                              "approve = no\n[api]\npending-expire = 12h\n"), 0);
        ck_assert(config_approve(&cfg, "a"));
        ck_assert(!config_approve(&cfg, "b"));
        ck_assert(config_approve(&cfg, "poll"));        /* no such source: [redock]'s */
        ck_assert_int_eq(cfg.api_pending_expire, 12 * 3600);
        config_free(&cfg);
        ck_assert_int_eq(load("[source a]\ntoken = t\napprove = maybe\n[api]\npending-expire = 0s\n"), 2);
        expect_errs("3: 'maybe' is not yes or no\n"
                    "5: pending-expire wants a duration (12h, 7d, 2w), not '0s'\n");
}
END_TEST

START_TEST(quoted_values)
{
        ck_assert_int_eq(load("[source a]\n"
                              "token = \"abc-secret\"\n"
                              "registry = 'r.example:5000'\n"
                              "[registry r.example]\n"
                              "username = \"u\"\n"
                              "password = 'pw-secret'\n"), 4);
        expect_errs("2: token is quoted: quotes are taken literally, as part of the secret; "
                    "write token = SECRET without them\n"
                    "3: registry is quoted: quotes are taken literally; write registry = r.example:5000\n"
                    "5: username is quoted: quotes are taken literally; write username = u\n"
                    "6: password is quoted: quotes are taken literally, as part of the secret; "
                    "write password = SECRET without them\n");
        /* the secret itself is never shown */
        ck_assert_ptr_null(strstr(errs, "abc-secret"));
        ck_assert_ptr_null(strstr(errs, "pw-secret"));

        /* a quote inside, or on one side only, is a character like any */
        ck_assert_int_eq(load("[source a]\ntoken = ab\"c\nhmac-prefix = \"\ntoken-header = 'x\n"), 0);
        ck_assert_str_eq(cfg.sources[0].token, "ab\"c");
        ck_assert_str_eq(cfg.sources[0].hmac_prefix, "\"");
}
END_TEST

START_TEST(token_exactly_one)
{
        char *path = token_file("from-file\n", 0600);
        char text[512];

        /* the second is refused, whatever the order, and the first kept */
        snprintf(text, sizeof(text), "[source a]\ntoken-file = %s\nregistry = x\ntoken = inline\n", path);
        ck_assert_int_eq(load(text), 1);
        expect_errs("4: token: [source a] already has token-file (line 2); "
                    "give exactly one of token, token-file and token-credential\n");
        /* in different sources each is fine */
        snprintf(text, sizeof(text), "[source a]\ntoken-file = %s\n[source b]\ntoken = inline\n", path);
        ck_assert_int_eq(load(text), 0);
        ck_assert_str_eq(config_source(&cfg, "a")->token, "from-file");
        ck_assert_str_eq(config_source(&cfg, "b")->token, "inline");
}
END_TEST

START_TEST(one_message_per_mistake)
{
        /* an empty token file: that, not "has no token" after it */
        char *path = token_file("", 0600);
        char text[512];

        snprintf(text, sizeof(text), "[source a]\ntoken-file = %s\n", path);
        ck_assert_int_eq(load(text), 1);
        snprintf(text, sizeof(text), "2: token-file %s: empty\n", path);
        expect_errs("%s", text);
        /* unreadable: its cause alone */
        snprintf(text, sizeof(text), "[source a]\ntoken-file = %s/absent\n", dir);
        ck_assert_int_eq(load(text), 1);
        snprintf(text, sizeof(text), "2: token-file %s/absent: %s\n", dir, strerror(ENOENT));
        expect_errs("%s", text);
        /* a quoted token is not "no token" either */
        ck_assert_int_eq(load("[source a]\ntoken = 'x'\n"), 1);
        ck_assert_ptr_null(strstr(errs, "has no token"));
        /* a refused password-file is not "needs username and password" */
        snprintf(text, sizeof(text), "[registry r]\nusername = u\npassword-file = %s/absent\n", dir);
        ck_assert_int_eq(load(text), 1);
        snprintf(text, sizeof(text), "3: password-file %s/absent: %s\n", dir, strerror(ENOENT));
        expect_errs("%s", text);
        ck_assert_int_eq(load("[registry r]\nusername = u\n"), 1);
        expect_errs("1: registry 'r' needs username and password (or password-file)\n");
        /* a wrong auth is not "auth = hmac without hmac-header" too */
        ck_assert_int_eq(load("[source a]\ntoken = t\nauth = githbu\n"), 1);
        expect_errs("3: auth must be token, hmac, github, gitea, forgejo, nexus or jfrog\n");
}
END_TEST

START_TEST(section_without_name)
{
        /* said once, and nothing else about the section's keys */
        ck_assert_int_eq(load("[source]\n"
                              "token = t\n"
                              "registry = https://x\n"
                              "bogus = 1\n"
                              "[source ]\n"
                              "token = t\n"
                              "[registry]\n"
                              "username = u\n"
                              "[source ok]\n"
                              "token = t\n"), 3);
        expect_errs("1: [source] needs a name: [source NAME], served at /hooks/NAME\n"
                    "5: [source] needs a name: [source NAME], served at /hooks/NAME\n"
                    "7: [registry] needs a host: [registry HOST[:PORT]]\n");
        /* a section merely starting with the word is another matter */
        ck_assert_int_eq(load("[sources]\ntoken = t\n"), 1);
        expect_errs("1: unknown section [sources]\n");
}
END_TEST

START_TEST(registry_host_not_url)
{
        ck_assert_int_eq(load("[source a]\n"
                              "token = t\n"
                              "registry = https://Reg.example.com:5000/v2/\n"
                              "aliases = ok.example, http://user@alias.example:80, alias.example/team\n"
                              "[source b]\n"
                              "token = t\n"
                              "registry = reg.example.com/team/app\n"), 4);
        expect_errs("3: registry: 'https://Reg.example.com:5000/v2/' is a URL; give the host only: "
                    "reg.example.com:5000\n"
                    "4: aliases: 'http://user@alias.example:80' is a URL; give the host only: alias.example:80\n"
                    "4: aliases: 'alias.example/team' has a path; give the host only: alias.example\n"
                    "7: registry: 'reg.example.com/team/app' has a path; give the host only: reg.example.com\n");
        ck_assert_int_eq(load("[source a]\ntoken = t\nregistry = [::1]:5000\naliases = localhost:5000\n"), 0);
        ck_assert_str_eq(cfg.sources[0].registry, "[::1]:5000");
}
END_TEST

START_TEST(docker_host_port)
{
        static const char *const good[] = {
                "tcp://127.0.0.1:2375", "tcp://docker.example:1", "tcp://[::1]:65535", "unix:///run/docker.sock",
        };

        ck_assert_int_eq(load("[docker]\nhost = tcp://docker.example\n"), 1);
        expect_errs("2: host tcp://docker.example has no port: write tcp://docker.example:PORT "
                    "(Docker's is usually 2375)\n");
        ck_assert_int_eq(load("[docker]\nhost = tcp://[::1]\n"), 1);
        expect_errs("2: host tcp://[::1] has no port: write tcp://[::1]:PORT (Docker's is usually 2375)\n");
        ck_assert_int_eq(load("[docker]\nhost = tcp://docker.example:\n"), 1);
        expect_errs("2: host tcp://docker.example: has no port: write tcp://docker.example:PORT "
                    "(Docker's is usually 2375)\n");
        ck_assert_int_eq(load("[docker]\nhost = tcp://docker.example:http\n"), 1);
        expect_errs("2: host tcp://docker.example:http: want tcp://HOST:PORT with a port of 1..65535\n");
        ck_assert_int_eq(load("[docker]\nhost = tcp://docker.example:65536\n"), 1);
        expect_errs("2: host tcp://docker.example:65536: want tcp://HOST:PORT with a port of 1..65535\n");
        ck_assert_int_eq(load("[docker]\nhost = tcp://:2375\n"), 1);
        expect_errs("2: host tcp://:2375: want tcp://HOST:PORT with a port of 1..65535\n");
        ck_assert_int_eq(load("[docker]\nhost = unix://run/docker.sock\n"), 1);
        expect_errs("2: host unix://run/docker.sock: unix:// wants an absolute path, as in unix:///run/docker.sock\n");
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
                char text[128];
                snprintf(text, sizeof(text), "[docker]\nhost = %s\n", good[i]);
                ck_assert_msg(load(text) == 0, "%s: %s", good[i], errs);
                ck_assert_str_eq(cfg.docker_host, good[i]);
                config_free(&cfg);
        }
}
END_TEST

START_TEST(unknown_key_hints)
{
        ck_assert_int_eq(load("[redock]\n"
                              "dryrun = yes\n"          /* close: the nearest */
                              "bogus = 1\n"             /* far from all: nothing guessed */
                              "host = unix:///x\n"      /* another section's */
                              "token = t\n"
                              "[registry r]\n"
                              "passwd = x\n"
                              "username = u\n"
                              "password = p\n"
                              "[source a]\n"
                              "token = t\n"
                              "auht = token\n"
                              "formt = auto\n"
                              "tag = latest\n"), 8);
        expect_errs("2: unknown key 'dryrun' in [redock]; did you mean 'dry-run'?\n"
                    "3: unknown key 'bogus' in [redock]\n"
                    "4: unknown key 'host' in [redock]; it belongs in [docker]\n"
                    "5: unknown key 'token' in [redock]; it belongs in a [source NAME] section\n"
                    "7: unknown key 'passwd' in [registry r]; did you mean 'password'?\n"
                    "12: unknown key 'auht' in [source a]; did you mean 'auth'?\n"
                    "13: unknown key 'formt' in [source a]; did you mean 'format'?\n"
                    "14: unknown key 'tag' in [source a]\n");
}
END_TEST

/* Every key the lists name is one a handler takes (no "unknown key"),
 * so the suggestions and the duplicate check know the real keys. */
START_TEST(key_lists_match_handlers)
{
        static const char *const sections[] = { "redock", "docker", "source a", "registry r", "notify n" };
        char text[256];

        for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
                const char *const *keys = config_section_keys(sections[i]);
                ck_assert_ptr_nonnull(keys);
                for (size_t k = 0; keys[k]; k++) {
                        snprintf(text, sizeof(text), "[%s]\n%s = x\n", sections[i], keys[k]);
                        load(text);
                        ck_assert_msg(!strstr(errs, "unknown key"), "%s", errs);
                        config_free(&cfg);
                }
        }
        ck_assert_ptr_null(config_section_keys("nowhere"));
}
END_TEST

/* [registry HOST] ca-file and mirror (redock poll's client): a section
 * with either alone needs no credentials; each value is checked. */
START_TEST(registry_ca_file_and_mirror)
{
        char text[512], want[512];

        snprintf(text, sizeof(text), "[registry r.example]\nca-file = %s\nmirror = m.example:5000\n", conf);
        write_file(conf, "", 0600);
        ck_assert_int_eq(load(text), 0);
        ck_assert_int_eq(cfg.n_creds, 1);
        ck_assert_str_eq(cfg.creds[0].ca_file, conf);
        ck_assert_str_eq(cfg.creds[0].mirror, "m.example:5000");
        ck_assert_ptr_null(cfg.creds[0].username);
        config_free(&cfg);

        ck_assert_int_eq(load("[registry r.example]\nca-file = ca.pem\n"), 1);
        expect_errs("2: ca-file wants an absolute path, not 'ca.pem'\n");
        snprintf(text, sizeof(text), "[registry r.example]\nca-file = %s/absent.pem\n", dir);
        ck_assert_int_eq(load(text), 1);
        snprintf(want, sizeof(want), "2: ca-file %s/absent.pem: %s\n", dir, strerror(ENOENT));
        expect_errs("%s", want);
        ck_assert_int_eq(load("[registry r.example]\nmirror = https://m.example/\n"), 1);
        expect_errs("2: mirror wants a registry host (HOST[:PORT]), not 'https://m.example/'\n");
        /* a section with none of them still needs credentials */
        ck_assert_int_eq(load("[registry r.example]\n"), 1);
        expect_errs("1: registry 'r.example' needs username and password (or password-file)\n");
        /* and a password without a user is still refused with a mirror */
        ck_assert_int_eq(load("[registry r.example]\nmirror = m.example\npassword = p\n"), 1);
        expect_errs("1: registry 'r.example' needs username and password (or password-file)\n");
}
END_TEST

/* "poll" names the jobs redock poll queues: no webhook source takes it */
START_TEST(source_poll_reserved)
{
        ck_assert_int_eq(load("[source poll]\ntoken = t\n"), 1);
        expect_errs("1: source name 'poll' is reserved for the jobs redock poll queues; choose another name\n");
}
END_TEST

START_TEST(no_source_warning)
{
        FILE *f;
        char *out = NULL, want[256];
        size_t len = 0;

        /* valid, but no webhook is served: a warning, not a refusal */
        ck_assert_int_eq(load("[docker]\nhost = unix:///run/docker.sock\n"), 0);
        f = open_memstream(&out, &len);
        ck_assert_int_eq(config_warn(&cfg, f), 1);
        fclose(f);
        snprintf(want, sizeof(want), "%s: no [source NAME] section: no webhook is accepted\n", conf);
        ck_assert_str_eq(out, want);
        free(out);
        config_free(&cfg);

        out = NULL;
        ck_assert_int_eq(load("[source a]\ntoken = t\n"), 0);
        f = open_memstream(&out, &len);
        ck_assert_int_eq(config_warn(&cfg, f), 0);
        fclose(f);
        ck_assert_str_eq(out, "");
        free(out);
}
END_TEST

START_TEST(gitlab_format)
{
        /* GitLab's container registry sends Distribution's notifications */
        ck_assert_int_eq(load("[source gl]\ntoken = t\nformat = gitlab\n"), 0);
        ck_assert_str_eq(cfg.sources[0].format, "gitlab");
        ck_assert_ptr_eq(format_find("gitlab"), &format_distribution);
        ck_assert_ptr_eq(format_find("distribution"), &format_distribution);
        ck_assert_ptr_null(format_find("gitlab2"));
}
END_TEST

/* A token file whose secret has quotes at both ends: config apply cannot
 * write it as "token = ..." (config check refuses quoted values), so in
 * inline mode the line stays and the active copy is still valid. */
START_TEST(apply_quoted_file_secret)
{
        char active[200], sub[100], text[512];
        char *path = token_file("\"quoted-secret\"\n", 0600);
        struct config acfg;
        const char *a;

        snprintf(sub, sizeof(sub), "%s/active", dir);
        ck_assert_int_eq(mkdir(sub, 0700), 0);
        snprintf(active, sizeof(active), "%s/redock.conf", sub);
        snprintf(text, sizeof(text), "[source a]\ntoken-file = %s\n", path);
        ck_assert_int_eq(load(text), 0);
        ck_assert_str_eq(cfg.sources[0].token, "\"quoted-secret\"");
        ck_assert_int_eq(config_apply(conf, &cfg, active), 0);
        a = slurp(active);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_null(strstr(a, "quoted-secret"));
        ck_assert_int_eq(config_load(active, &acfg, stderr), 0);
        ck_assert_str_eq(acfg.sources[0].token, "\"quoted-secret\"");
        config_free(&acfg);
}
END_TEST

/* A section without a key (inih never calls the handler for it) is
 * still checked: an empty source has no token, a nameless one no name. */
START_TEST(empty_sections)
{
        ck_assert_int_eq(load("[source]\n"                     /* 1 */
                              "[source a]\n"                   /* 2 */
                              "; nothing\n"                    /* 3 */
                              "[nowhere]\n"                    /* 4 */
                              "[source .x]\n"                  /* 5 */
                              "[source b]\n"                   /* 6 */
                              "token = t\n"                    /* 7 */
                              "[source b]\n"                   /* 8 */
                              "[redock]\n"                     /* 9 */
                              "[docker]\n"                     /* 10 */
                              "[registry r]\n"), 6);           /* 11 */
        expect_errs("1: [source] needs a name: [source NAME], served at /hooks/NAME\n"
                    "4: unknown section [nowhere]\n"
                    "5: bad source name '.x' (use letters, digits, '.', '_', '-')\n"
                    "8: source 'b' defined twice (first at line 6)\n"
                    "11: registry 'r' needs username and password (or password-file)\n"
                    "2: source 'a' has no token, token-file or token-credential\n");
        ck_assert_int_eq(load("[redock]\n[docker]\n[source a]\ntoken = t\n"), 0);
        ck_assert_uint_eq(cfg.n_sources, 1);
}
END_TEST

/* config_load_for_hook: [api] and [notify NAME] files are not opened (a
 * missing or group-readable one is no problem, the secrets stay NULL),
 * and everything else in those sections is refused as config_load
 * refuses it, in the same words. */
START_TEST(hook_leaves_api_and_notify_files)
{
        char *text = NULL, *full_errs;
        int full;

        write_file(strcat(strcpy((char[160]){ 0 }, dir), "/loose"), "api-secret\n", 0644);
        ck_assert_int_ge(asprintf(&text, "[source a]\ntoken = t\n"
                                         "[api]\n"                                      /* 3 */
                                         "token-file = %s/loose\n"                      /* 4 */
                                         "read-token-file = %s/missing\n"               /* 5 */
                                         "[notify w]\n"                                 /* 6 */
                                         "type = webhook\n"
                                         "url-file = %s/missing\n"                      /* 8 */
                                         "secret-file = %s/loose\n"                     /* 9 */
                                         "[notify g]\n"                                 /* 10 */
                                         "type = gotify\nurl = https://g.example/\n"
                                         "token-file = %s/missing\n"                    /* 13 */
                                         "ca-file = %s/missing\n",                      /* 14 */
                                  dir, dir, dir, dir, dir, dir), 0);
        ck_assert_int_eq(load(text), 6);
        expect_errs("4: token-file %s/loose: readable or writable by group or others (chmod 600 it)\n"
                    "5: read-token-file %s/missing: No such file or directory\n"
                    "8: url-file %s/missing: No such file or directory\n"
                    "9: secret-file %s/loose: readable or writable by group or others (chmod 600 it)\n"
                    "13: token-file %s/missing: No such file or directory\n"
                    "14: ca-file %s/missing: No such file or directory\n", dir, dir, dir, dir, dir, dir);
        ck_assert_int_eq(load_by(config_load_for_hook, text), 0);
        ck_assert_str_eq(errs, "");
        ck_assert_str_eq(cfg.sources[0].token, "t");
        ck_assert_ptr_null(cfg.api_token);
        ck_assert_ptr_null(cfg.api_read_token);
        ck_assert_uint_eq(cfg.n_notifiers, 2);
        ck_assert_ptr_null(cfg.notifiers[0].url);
        ck_assert_ptr_null(cfg.notifiers[0].secret);
        ck_assert_str_eq(cfg.notifiers[1].url, "https://g.example/");
        ck_assert_ptr_null(cfg.notifiers[1].token);
        config_free(&cfg);
        free(text);

        /* what the hook still refuses, word for word as config_load: the
         * files here are good, so both loaders read the same file alike */
        write_file(strcat(strcpy((char[160]){ 0 }, dir), "/tok"), "api-secret\n", 0600);
        write_file(strcat(strcpy((char[160]){ 0 }, dir), "/url"), "https://hooks.example/x\n", 0600);
        ck_assert_int_ge(asprintf(&text, "[source a]\ntoken = t\n"
                                         "[api]\n"                                      /* 3 */
                                         "token-file = %s/tok\n"                        /* 4 */
                                         "token = again\n"                              /* 5 */
                                         "read-tokn = r\n"                              /* 6 */
                                         "[notify w]\n"                                 /* 7 */
                                         "type = webhook\n"
                                         "url-file = %s/url\n"                          /* 9 */
                                         "url = https://x.example/\n"                   /* 10 */
                                         "colour = red\n"                               /* 11 */
                                         "[notify g]\n"                                 /* 12 */
                                         "type = gotify\nurl = https://g.example/\n"
                                         "events = updated, exploded\n"                 /* 15 */
                                         "[notify t]\n"                                 /* 16 */
                                         "url = https://t.example/\n",
                                  dir, dir), 0);
        full = load(text);
        ck_assert_int_eq(full, 7);
        expect_errs("5: token: [api] has its token already; give one of token and token-file\n"
                    "6: unknown key 'read-tokn' in [api]; did you mean 'read-token'?\n"
                    "10: url: [notify w] has its url already; give one of url and url-file\n"
                    "11: unknown key 'colour' in [notify w]\n"
                    "15: events: unknown event 'exploded' (use updated, rolled-back, failed, found, "
                    "pending, poll-error)\n"
                    "12: notify 'g' (gotify) has no token-file (an application token)\n"
                    "16: notify 't' has no type (slack, teams, webhook, ntfy, gotify or email)\n");
        full_errs = strdup(errs);
        ck_assert_int_eq(load_by(config_load_for_hook, text), full);
        ck_assert_str_eq(errs, full_errs);
        free(full_errs);
        free(text);
}
END_TEST

static Suite *config_suite(void)
{
        Suite *s = suite_create("config");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, valid_config);
        tcase_add_test(tc, defaults);
        tcase_add_test(tc, missing_file);
        tcase_add_test(tc, unknown_section);
        tcase_add_test(tc, unknown_key);
        tcase_add_test(tc, bad_docker_host);
        tcase_add_test(tc, select_and_include_stopped);
        tcase_add_test(tc, when_to_deploy);
        tcase_add_test(tc, bad_numbers);
        tcase_add_test(tc, source_without_token);
        tcase_add_test(tc, bad_source_name);
        tcase_add_test(tc, source_names);
        tcase_add_test(tc, duplicate_source);
        tcase_add_test(tc, duplicate_source_in_a_row);
        tcase_add_test(tc, section_lines);
        tcase_add_test(tc, unknown_format);
        tcase_add_test(tc, syntax_error);
        tcase_add_test(tc, several_errors);
        tcase_add_test(tc, long_line);
        tcase_add_test(tc, token_file_read);
        tcase_add_test(tc, token_file_refused);
        tcase_add_test(tc, token_file_limits);
        tcase_add_test(tc, hook_leaves_api_and_notify_files);
        tcase_add_test(tc, token_credential);
        tcase_add_test(tc, apply_webhook_copy_by_inih_sections);
        tcase_add_test(tc, auth_keys);
        tcase_add_test(tc, key_given_twice);
        tcase_add_test(tc, quoted_values);
        tcase_add_test(tc, api_section);
        tcase_add_test(tc, token_exactly_one);
        tcase_add_test(tc, one_message_per_mistake);
        tcase_add_test(tc, section_without_name);
        tcase_add_test(tc, registry_host_not_url);
        tcase_add_test(tc, docker_host_port);
        tcase_add_test(tc, unknown_key_hints);
        tcase_add_test(tc, key_lists_match_handlers);
        tcase_add_test(tc, no_source_warning);
        tcase_add_test(tc, gitlab_format);
        tcase_add_test(tc, apply_quoted_file_secret);
        tcase_add_test(tc, empty_sections);
        tcase_add_test(tc, registry_ca_file_and_mirror);
        tcase_add_test(tc, source_poll_reserved);
        tcase_add_test(tc, approvals);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(config_suite)
