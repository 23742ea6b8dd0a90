/* config: parse, validate and hold the configuration.
 *
 * This file reads the file (inih, through a reader that counts lines),
 * knows each section's keys and routes a key to its section's handler;
 * the sections with more to them are parsed and checked in their own
 * files (config_parse.h lists them). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "config_parse.h"
#include "bounds.h"

static void vproblem(struct parse_ctx *p, int line, const char *fmt, va_list ap)
{
        p->problems++;
        if (!p->errs)
                return;
        fprintf(p->errs, "%s:%d: ", p->path, line);
        vfprintf(p->errs, fmt, ap);
        fputc('\n', p->errs);
}

void problem(struct parse_ctx *p, int line, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vproblem(p, line, fmt, ap);
        va_end(ap);
}

/* A problem with the [section] itself (unknown, bad or repeated name):
 * once, at its header line, however many keys it holds. */
void section_problem(struct parse_ctx *p, const char *fmt, ...)
{
        va_list ap;

        if (p->section_reported == p->section_line)
                return;
        p->section_reported = p->section_line;
        va_start(ap, fmt);
        vproblem(p, p->section_line, fmt, ap);
        va_end(ap);
}

bool source_name_valid(const char *name)
{
        size_t n = strlen(name);

        if (n == 0 || n > SOURCE_NAME_MAX || name[0] == '.')
                return false;
        return strspn(name, "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* The keys each section takes, for "did you mean", a key given twice and
 * quoted values.  Every key a handler takes (here or in config_*.c) is
 * listed here (the unit test walks these lists through config_load). */
static const char *const redock_keys[] = {
        "mode", "inbox-dir", "inbox-max-jobs", "inbox-max-bytes", "queue-dir", "state-dir", "scope", "select",
        "include-stopped", "dry-run", "cleanup", "rolling", "dedup-window", "request-timeout", "retry-for",
        "min-age", "window", "approve", NULL,
};
static const char *const docker_keys[] = {
        "host", "stop-timeout", "health-timeout", "min-uptime", "config-json", NULL,
};
const char *const source_keys[] = {
        "token", "token-file", "token-credential", "auth", "token-header", "hmac-header",
        "hmac-prefix", "hmac-algorithm", "hmac-encoding", "allow-from", "registry", "aliases",
        "match-host", "format", "min-age", "window", "approve", NULL,
};
const char *const registry_keys[] = {
        "username", "password", "password-file", "ca-file", "mirror", NULL,
};
const char *const api_keys[] = {
        "token", "token-file", "read-token", "read-token-file", "pending-expire", NULL,
};
/* no inline secret: a URL with a token in it, a key, a password are
 * only ever read from a *-file (mode checked as token-file is) */
const char *const notify_keys[] = {
        "type", "url", "url-file", "events", "sources", "containers", "secret-file", "token-file",
        "smtp-url", "username", "password-file", "from", "to", "starttls", "ca-file", "timeout", NULL,
};

static const struct {
        const char *where;      /* as a message names the section */
        const char *const *keys;
} section_keys[] = {
        { "[redock]",                  redock_keys },
        { "[docker]",                  docker_keys },
        { "a [source NAME] section",   source_keys },
        { "a [registry HOST] section", registry_keys },
        { "[api]",                     api_keys },
        { "a [notify NAME] section",   notify_keys },
};

const char *const *config_section_keys(const char *section)
{
        if (strcmp(section, "redock") == 0)
                return redock_keys;
        if (strcmp(section, "docker") == 0)
                return docker_keys;
        if (strncmp(section, "source ", 7) == 0)
                return source_keys;
        if (strncmp(section, "registry ", 9) == 0)
                return registry_keys;
        if (strcmp(section, "api") == 0)
                return api_keys;
        if (strncmp(section, "notify ", 7) == 0)
                return notify_keys;
        return NULL;
}

bool key_in(const char *const *keys, const char *name)
{
        for (size_t i = 0; keys[i]; i++)
                if (strcmp(keys[i], name) == 0)
                        return true;
        return false;
}

#define KEY_LEN_MAX 32

/* The optimal string alignment distance between a and b: insertions,
 * deletions, substitutions and swaps of neighbours, each 1 ("dryrun" and
 * "dry-run" are 1 apart, "hots" and "host" too); INT_MAX when one is too
 * long to be a key. */
static int key_distance(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        int d[KEY_LEN_MAX + 1][KEY_LEN_MAX + 1];

        if (la > KEY_LEN_MAX || lb > KEY_LEN_MAX)
                return INT_MAX;
        for (size_t i = 0; i <= la; i++)
                d[i][0] = (int)i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = (int)j;
        for (size_t i = 1; i <= la; i++)
                for (size_t j = 1; j <= lb; j++) {
                        int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

                        if (d[i - 1][j] + 1 < v)
                                v = d[i - 1][j] + 1;
                        if (d[i][j - 1] + 1 < v)
                                v = d[i][j - 1] + 1;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            d[i - 2][j - 2] + 1 < v)
                                v = d[i - 2][j - 2] + 1;
                        d[i][j] = v;
                }
        return d[la][lb];
}

/* An unknown key, with the nearest one of its section when it is close
 * (at most 2 edits, and at most a third of that key), else the section
 * where it belongs when it is another section's. */
void unknown_key(struct parse_ctx *p, const char *name, const char *const *keys)
{
        const char *best = NULL;
        int best_d = INT_MAX;

        for (size_t i = 0; keys[i]; i++) {
                int d = key_distance(name, keys[i]);
                if (d < best_d) {
                        best_d = d;
                        best = keys[i];
                }
        }
        if (best && best_d <= 2 && best_d * 3 <= (int)strlen(best)) {
                problem(p, p->line, "unknown key '%s' in [%s]; did you mean '%s'?", name, p->section, best);
                return;
        }
        for (size_t i = 0; i < sizeof(section_keys) / sizeof(section_keys[0]); i++)
                if (section_keys[i].keys != keys && key_in(section_keys[i].keys, name)) {
                        problem(p, p->line, "unknown key '%s' in [%s]; it belongs in %s", name, p->section,
                                section_keys[i].where);
                        return;
                }
        problem(p, p->line, "unknown key '%s' in [%s]", name, p->section);
}

/* Keys whose values are secrets: never shown in a message. */
static bool secret_key(const char *name)
{
        /* a notifier's url often carries its token (Slack, Teams) */
        return strcmp(name, "token") == 0 || strcmp(name, "password") == 0 || strcmp(name, "url") == 0;
}

/* What is wrong with a known key whatever its value means: given twice
 * in its section, or quoted (inih takes quotes literally, so token = "abc"
 * would only fail later, as a 401).  True when reported: the key is not
 * taken, so nothing else is said about it. */
static bool key_refused(struct parse_ctx *p, const char *name, const char *value, const char *const *keys)
{
        size_t len = strlen(value);
        struct seen_key *k;

        if (p->continuation || !key_in(keys, name))
                return false;
        for (size_t i = 0; i < p->n_seen; i++)
                if (strcmp(p->seen[i].section, p->section) == 0 && strcmp(p->seen[i].key, name) == 0) {
                        problem(p, p->line, "'%s' given twice in [%s] (first at line %d)", name, p->section,
                                p->seen[i].line);
                        return true;
                }
        k = reallocarray(p->seen, p->n_seen + 1, sizeof(*k));
        if (k) {
                p->seen = k;
                k = &k[p->n_seen];
                k->section = strdup(p->section);
                k->key = strdup(name);
                k->line = p->line;
                if (k->section && k->key)
                        p->n_seen++;
                else {
                        free(k->section);
                        free(k->key);
                }
        }
        if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
                if (secret_key(name))
                        problem(p, p->line, "%s is quoted: quotes are taken literally, as part of the secret; "
                                "write %s = SECRET without them", name, name);
                else
                        problem(p, p->line, "%s is quoted: quotes are taken literally; write %s = %.*s",
                                name, name, (int)(len - 2), value + 1);
                return true;
        }
        return false;
}

/* Whether section had key, taken or refused. */
bool key_given(const struct parse_ctx *p, const char *section, const char *key)
{
        for (size_t i = 0; i < p->n_seen; i++)
                if (strcmp(p->seen[i].section, section) == 0 && strcmp(p->seen[i].key, key) == 0)
                        return true;
        return false;
}

static void seen_free(struct parse_ctx *p)
{
        for (size_t i = 0; i < p->n_seen; i++) {
                free(p->seen[i].section);
                free(p->seen[i].key);
        }
        free(p->seen);
        p->seen = NULL;
        p->n_seen = 0;
}

/* [docker] host: unix://PATH or tcp://HOST:PORT.  Without a port curl
 * would quietly try port 80. */
static void check_docker_host(struct parse_ctx *p, const char *v)
{
        const char *hp, *end, *port = NULL;

        if (strncmp(v, "unix://", 7) == 0) {
                if (v[7] != '/')
                        problem(p, p->line, "host %s: unix:// wants an absolute path, as in unix:///run/docker.sock", v);
                return;
        }
        if (strncmp(v, "tcp://", 6) != 0) {
                problem(p, p->line, "host must be unix://PATH or tcp://HOST:PORT");
                return;
        }
        hp = v + 6;
        end = hp + strcspn(hp, "/");
        if (*hp == '[') {
                const char *close = memchr(hp, ']', (size_t)(end - hp));
                if (close && close + 1 < end && close[1] == ':')
                        port = close + 2;
        } else {
                const char *colon = memrchr(hp, ':', (size_t)(end - hp));
                if (colon)
                        port = colon + 1;
        }
        if (!port || port == end) {
                problem(p, p->line, "host %s has no port: write tcp://%.*s:PORT (Docker's is usually 2375)", v,
                        (int)(port ? port - 1 - hp : end - hp), hp);
                return;
        }
        {
                char *stop;
                long n = strtol(port, &stop, 10);
                if (port - 1 == hp || !isdigit((unsigned char)*port) || stop != end || n < 1 || n > 65535)
                        problem(p, p->line, "host %s: want tcp://HOST:PORT with a port of 1..65535", v);
        }
}

static int handle_redock(struct parse_ctx *p, const char *name, const char *value)
{
        struct config *c = p->cfg;
        int wr;

        if (strcmp(name, "queue-dir") == 0)
                return set_str(&c->queue_dir, value);
        if (strcmp(name, "state-dir") == 0)
                return set_str(&c->state_dir, value);
        if (strcmp(name, "scope") == 0)
                return set_str(&c->scope, value);
        if (strcmp(name, "mode") == 0) {
                if (strcmp(value, "inline") != 0 && strcmp(value, "split") != 0)
                        problem(p, p->line, "mode must be inline or split");
                c->split = strcmp(value, "split") == 0;
                return 0;
        }
        if (strcmp(name, "inbox-dir") == 0) {
                if (value[0] != '/')
                        problem(p, p->line, "inbox-dir must be an absolute path");
                return set_str(&c->inbox_dir, value);
        }
        if (strcmp(name, "inbox-max-jobs") == 0) {
                int v;
                if (parse_int(value, 1, 1000000, &v) < 0)
                        problem(p, p->line, "inbox-max-jobs must be 1..1000000");
                else
                        c->inbox_max_jobs = v;
                return 0;
        }
        if (strcmp(name, "inbox-max-bytes") == 0)
                return set_bytes(p, name, value, JOB_FILE_MAX, 1LL << 40, &c->inbox_max_bytes);
        if (strcmp(name, "dry-run") == 0)
                return parse_bool(p, value, &c->dry_run);
        if (strcmp(name, "cleanup") == 0)
                return parse_bool(p, value, &c->cleanup);
        if (strcmp(name, "rolling") == 0)
                return parse_bool(p, value, &c->rolling);
        if (strcmp(name, "select") == 0) {
                if (strcmp(value, "labelled") != 0 && strcmp(value, "all") != 0)
                        problem(p, p->line, "select must be labelled or all");
                c->select_all = strcmp(value, "all") == 0;
                return 0;
        }
        if (strcmp(name, "include-stopped") == 0)
                return parse_bool(p, value, &c->include_stopped);
        if (strcmp(name, "dedup-window") == 0)
                return set_seconds(p, name, value, 0, 86400, 1, &c->dedup_window);
        /* a registry sends its hook in one go; a long limit only helps
         * a slow-loris client keep processes alive */
        if (strcmp(name, "request-timeout") == 0)
                return set_seconds(p, name, value, 1, 300, 1000, &c->request_timeout_ms);
        if (strcmp(name, "retry-for") == 0)
                return set_seconds(p, name, value, 0, 86400, 1, &c->retry_for);
        if (strcmp(name, "approve") == 0)
                return parse_bool(p, value, &c->approve);
        wr = handle_when(p, &c->when, name, value);
        if (wr != 0)
                return wr < 0 ? wr : 0;
        unknown_key(p, name, redock_keys);
        return 0;
}

static int handle_docker(struct parse_ctx *p, const char *name, const char *value)
{
        struct config *c = p->cfg;

        if (strcmp(name, "host") == 0) {
                check_docker_host(p, value);
                return set_str(&c->docker_host, value);
        }
        if (strcmp(name, "stop-timeout") == 0)
                return set_seconds(p, name, value, 0, 3600, 1, &c->stop_timeout);
        if (strcmp(name, "health-timeout") == 0)
                return set_seconds(p, name, value, 1, 3600, 1, &c->health_timeout);
        if (strcmp(name, "config-json") == 0)
                return set_str(&c->docker_config, value);
        if (strcmp(name, "min-uptime") == 0)
                return set_seconds(p, name, value, 0, 600, 1000, &c->min_uptime_ms);
        unknown_key(p, name, docker_keys);
        return 0;
}

/* [source] or [registry] without the name that follows */
static bool unnamed(const char *section, const char *kind)
{
        size_t n = strlen(kind);
        const char *rest = section + n;

        if (strncmp(section, kind, n) != 0 || (*rest && *rest != ' ' && *rest != '\t'))
                return false;
        while (*rest == ' ' || *rest == '\t')
                rest++;
        return *rest == '\0';
}

static int ini_cb(void *user, const char *section, const char *name,
                  const char *value)
{
        struct parse_ctx *p = user;
        const char *const *keys = config_section_keys(section);
        int r = 0;

        p->key_seen = true;
        p->section = section;
        if (!*section)
                problem(p, p->line, "'%s' is outside any [section]", name);
        else if (unnamed(section, "source"))
                section_problem(p, "[source] needs a name: [source NAME], served at /hooks/NAME");
        else if (unnamed(section, "registry"))
                section_problem(p, "[registry] needs a host: [registry HOST[:PORT]]");
        else if (unnamed(section, "notify"))
                section_problem(p, "[notify] needs a name: [notify NAME]");
        else if (strcmp(section, "redock") == 0) {
                if (!key_refused(p, name, value, keys))
                        r = handle_redock(p, name, value);
        } else if (strcmp(section, "docker") == 0) {
                if (!key_refused(p, name, value, keys))
                        r = handle_docker(p, name, value);
        } else if (strncmp(section, "source ", 7) == 0) {
                const char *sname = section + 7;
                struct source *s;

                if (!source_name_valid(sname)) {
                        section_problem(p, "bad source name '%s' (use letters, digits, '.', '_', '-')", sname);
                        return 1;
                }
                if (strcmp(sname, SOURCE_NAME_POLL) == 0) {
                        section_problem(p, "source name 'poll' is reserved for the jobs redock poll queues; "
                                           "choose another name");
                        return 1;
                }
                s = find_or_add_source(p, sname);
                if (!s)
                        return 1;
                if (!key_refused(p, name, value, keys))
                        r = handle_source(p, s, name, value);
                else if (!s->token_key && !p->continuation &&
                         (!strcmp(name, "token") || !strcmp(name, "token-file") || !strcmp(name, "token-credential")))
                        /* a refused token still counts as given: no
                         * "has no token" after it */
                        secret_key_once(p, s, strcmp(name, "token") == 0 ? "token" :
                                              strcmp(name, "token-file") == 0 ? "token-file" : "token-credential");
        } else if (strncmp(section, "registry ", 9) == 0) {
                struct registry_cred *rc = find_or_add_cred(p, section + 9);
                if (rc && !key_refused(p, name, value, keys))
                        r = handle_registry(p, rc, name, value);
        } else if (strcmp(section, "api") == 0) {
                if (!key_refused(p, name, value, keys))
                        r = handle_api(p, p->cfg, name, value);
        } else if (strncmp(section, "notify ", 7) == 0) {
                struct notifier *nt;

                if (!source_name_valid(section + 7)) {
                        section_problem(p, "bad notify name '%s' (use letters, digits, '.', '_', '-')", section + 7);
                        return 1;
                }
                nt = find_or_add_notifier(p, section + 7);
                if (nt && !key_refused(p, name, value, keys))
                        r = handle_notify(p, nt, name, value);
        } else
                section_problem(p, "unknown section [%s]", section);
        if (r < 0)
                problem(p, p->line, "%s", strerror(-r));
        return 1;       /* keep going: report every problem at once */
}

/* A section without a single key, which inih never tells the handler
 * about: what it would have said at its first key, and an empty [source
 * NAME] or [registry HOST] exists (and so is told what it lacks). */
static void empty_section(struct parse_ctx *p)
{
        const char *name = p->header;
        int before = p->problems;

        if (strcmp(name, "redock") == 0 || strcmp(name, "docker") == 0 || strcmp(name, "api") == 0)
                return;
        if (unnamed(name, "source"))
                section_problem(p, "[source] needs a name: [source NAME], served at /hooks/NAME");
        else if (unnamed(name, "registry"))
                section_problem(p, "[registry] needs a host: [registry HOST[:PORT]]");
        else if (unnamed(name, "notify"))
                section_problem(p, "[notify] needs a name: [notify NAME]");
        else if (strncmp(name, "notify ", 7) == 0) {
                if (!source_name_valid(name + 7))
                        section_problem(p, "bad notify name '%s' (use letters, digits, '.', '_', '-')", name + 7);
                else if (!find_or_add_notifier(p, name + 7) && p->problems == before)
                        problem(p, p->section_line, "%s", strerror(ENOMEM));
        } else if (strncmp(name, "source ", 7) == 0) {
                if (!source_name_valid(name + 7))
                        section_problem(p, "bad source name '%s' (use letters, digits, '.', '_', '-')", name + 7);
                else if (strcmp(name + 7, SOURCE_NAME_POLL) == 0)
                        section_problem(p, "source name 'poll' is reserved for the jobs redock poll queues; "
                                           "choose another name");
                else if (!find_or_add_source(p, name + 7) && p->problems == before)
                        problem(p, p->section_line, "%s", strerror(ENOMEM));
        } else if (strncmp(name, "registry ", 9) == 0) {
                if (!find_or_add_cred(p, name + 9) && p->problems == before)
                        problem(p, p->section_line, "%s", strerror(ENOMEM));
        } else
                section_problem(p, "unknown section [%s]", name);
}

/* inih reads line by line through this, so we know the current line and
 * where the current section started. */
static char *counting_reader(char *str, int num, void *stream)
{
        struct parse_ctx *p = stream;
        char *s = fgets(str, num, p->in);
        size_t len;
        const char *c;

        if (!s) {
                if (p->header_open && !p->key_seen)
                        empty_section(p);
                /* the end: inih's line buffer still holds the tails of
                 * earlier lines (a token = ... among them); wipe it */
                explicit_bzero(str, (size_t)num);
                return NULL;
        }
        p->line++;
        len = strlen(s);
        if (len && s[len - 1] != '\n') {
                int ch = fgetc(p->in);

                if (ch != '\n' && ch != EOF) {
                        /* inih would cut it in two and parse the rest as
                         * the next line: refuse it, keep the numbering */
                        while (ch != '\n' && ch != EOF)
                                ch = fgetc(p->in);
                        problem(p, p->line, "line longer than %d characters", num - 1);
                        strcpy(s, "\n");
                        return s;
                }
        }
        c = s;
        if (p->line == 1 && strncmp(c, "\xEF\xBB\xBF", 3) == 0)
                c += 3;         /* a UTF-8 BOM, which inih skips */
        /* inih's rule: after a key, an indented line that is neither blank
         * nor a comment continues that key's value */
        {
                const char *t = c;
                while (isspace((unsigned char)*t))
                        t++;
                p->continuation = p->key_seen && t > c && *t && *t != ';' && *t != '#';
        }
        /* inih's rule: an indented line right after a key continues its
         * value, anything else starting with '[' opens a section */
        if (c[strspn(c, " \t")] == '[' && strchr(c, ']') &&
            (!p->key_seen || (*c != ' ' && *c != '\t'))) {
                const char *open = c + strspn(c, " \t") + 1;

                if (p->header_open && !p->key_seen)
                        empty_section(p);
                /* the name as inih takes it: up to the first ']' */
                snprintf(p->header, sizeof(p->header), "%.*s", (int)strcspn(open, "]"), open);
                p->header_open = true;
                p->section_line = p->line;
                p->key_seen = false;
        }
        return s;
}

static int set_defaults(struct config *c)
{
        const char *env_host = getenv("DOCKER_HOST");

        if (!c->docker_host && set_str(&c->docker_host,
                                       env_host && *env_host ? env_host : DOCKER_DEFAULT_HOST) < 0)
                return -ENOMEM;
        if (!c->queue_dir && set_str(&c->queue_dir, "/var/lib/redock/queue") < 0)
                return -ENOMEM;
        if (!c->state_dir && set_str(&c->state_dir, "/var/lib/redock") < 0)
                return -ENOMEM;
        if (!c->inbox_dir && set_str(&c->inbox_dir, INBOX_DEFAULT_DIR) < 0)
                return -ENOMEM;
        if (!c->docker_config) {
                /* as the docker CLI finds it: $DOCKER_CONFIG, else ~/.docker */
                const char *dc = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
                char path[PATH_MAX];
                if (dc && *dc)
                        snprintf(path, sizeof(path), "%s/config.json", dc);
                else
                        snprintf(path, sizeof(path), "%s/.docker/config.json", home && *home ? home : "/root");
                if (set_str(&c->docker_config, path) < 0)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < c->n_sources; i++) {
                struct source *s = &c->sources[i];
                if (!s->format && set_str(&s->format, "auto") < 0)
                        return -ENOMEM;
                if (!s->registry && set_str(&s->registry, "") < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int load(const char *path, struct config *cfg, FILE *errs, bool hook)
{
        struct parse_ctx p = { .cfg = cfg, .errs = errs, .path = path, .section_reported = -1, .hook = hook };
        char iobuf[BUFSIZ];
        int r;

        memset(cfg, 0, sizeof(*cfg));
        cfg->stop_timeout = 10;
        cfg->health_timeout = 60;
        cfg->min_uptime_ms = 1000;
        cfg->dedup_window = 600;
        cfg->retry_for = 3600;
        cfg->api_pending_expire = 7 * 86400;
        cfg->request_timeout_ms = HTTP_REQUEST_TIMEOUT_MS;
        cfg->rolling = true;
        cfg->inbox_max_jobs = INBOX_MAX_JOBS_DEFAULT;
        cfg->inbox_max_bytes = INBOX_MAX_BYTES_DEFAULT;

        p.in = fopen(path, "re");
        if (!p.in) {
                r = -errno;
                if (errs)
                        fprintf(errs, "%s: %s\n", path, strerror(errno));
                return r;
        }
        /* stdio's buffer holds the file's text, tokens and passwords
         * included: our own, wiped after the close */
        setvbuf(p.in, iobuf, _IOFBF, sizeof(iobuf));
        r = ini_parse_stream(counting_reader, &p, ini_cb, &p);
        fclose(p.in);
        explicit_bzero(iobuf, sizeof(iobuf));
        /* inih returns the first line it could not parse (our handler
         * never fails), whatever else was found */
        if (r > 0)
                problem(&p, r, "syntax error (expected [section] or key = value)");
        else if (r < 0)
                problem(&p, 0, "cannot parse (out of memory?)");

        check_creds(&p);
        check_sources(&p);
        check_notifiers(&p);
        seen_free(&p);
        if (p.problems == 0 && (set_defaults(cfg) < 0 || !(cfg->path = strdup(path))))
                problem(&p, 0, "out of memory");
        if (p.problems) {
                config_free(cfg);
                return p.problems;
        }
        return 0;
}

int config_load(const char *path, struct config *cfg, FILE *errs)
{
        return load(path, cfg, errs, false);
}

int config_load_for_hook(const char *path, struct config *cfg, FILE *errs)
{
        return load(path, cfg, errs, true);
}

int config_warn(const struct config *cfg, FILE *out)
{
        int n = 0;

        if (cfg->n_sources == 0) {
                fprintf(out, "%s: no [source NAME] section: no webhook is accepted\n", cfg->path);
                n++;
        }
        return n;
}

const struct notifier *config_notifier(const struct config *cfg, const char *name)
{
        for (size_t i = 0; i < cfg->n_notifiers; i++)
                if (strcmp(cfg->notifiers[i].name, name) == 0)
                        return &cfg->notifiers[i];
        return NULL;
}

const struct source *config_source(const struct config *cfg, const char *name)
{
        for (size_t i = 0; i < cfg->n_sources; i++)
                if (strcmp(cfg->sources[i].name, name) == 0)
                        return &cfg->sources[i];
        return NULL;
}

bool config_approve(const struct config *cfg, const char *source)
{
        const struct source *s = source ? config_source(cfg, source) : NULL;

        return s && s->approve >= 0 ? s->approve == 1 : cfg->approve;
}

void config_when(const struct config *cfg, const char *source, long long *min_age,
                 const char **min_age_text, const struct window **window, const char **window_text)
{
        const struct source *s = source ? config_source(cfg, source) : NULL;
        const struct deploy_when *w = s && s->when.min_age_text ? &s->when : &cfg->when;

        *min_age = w->min_age_text ? w->min_age : 0;
        *min_age_text = w->min_age_text;
        w = s && s->when.window_text ? &s->when : &cfg->when;
        *window = w->window_text ? &w->window : NULL;
        *window_text = w->window_text;
}

void config_free(struct config *cfg)
{
        free_sources(cfg);
        free(cfg->when.min_age_text);
        free(cfg->when.window_text);
        free_creds(cfg);
        secret_free(cfg->api_token);
        secret_free(cfg->api_read_token);
        free_notifiers(cfg);
        free(cfg->docker_config);
        free(cfg->scope);
        free(cfg->path);
        free(cfg->docker_host);
        free(cfg->queue_dir);
        free(cfg->state_dir);
        free(cfg->inbox_dir);
        memset(cfg, 0, sizeof(*cfg));
}

struct peek_ctx {
        int split;
};

static int peek_cb(void *user, const char *section, const char *name, const char *value)
{
        struct peek_ctx *pc = user;

        if (strcmp(section, "redock") == 0 && strcmp(name, "mode") == 0)
                pc->split = strcmp(value, "split") == 0 ? 1 : strcmp(value, "inline") == 0 ? 0 : -EINVAL;
        return 1;
}

int config_peek_split(const char *path)
{
        struct peek_ctx pc = { 0 };
        FILE *f = fopen(path, "re");

        if (!f)
                return 0;
        ini_parse_file(f, peek_cb, &pc);
        fclose(f);
        return pc.split;
}
