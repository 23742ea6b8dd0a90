/* config: parse, validate and hold the configuration. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "strutil.h"
#include "duration.h"
#include "formats/formats.h"
#include "imageref.h"
#include "bounds.h"

/* A key met in a section, to find it given twice. */
struct seen_key {
        char *section, *key;
        int line;
};

struct parse_ctx {
        struct config *cfg;
        FILE *in;
        FILE *errs;
        const char *path;
        int line;               /* counted by our reader */
        int section_line;       /* where the current [section] starts */
        int section_reported;   /* the section_line of the last section_problem() */
        bool key_seen;          /* a key since that line (inih's continuation rule) */
        bool continuation;      /* this line continues the last key's value */
        bool header_open;       /* a [section] header was read: header holds its name */
        char header[INI_MAX_LINE];
        const char *section;    /* the section of the key at hand */
        struct seen_key *seen;  /* the keys met so far, in every section */
        size_t n_seen;
        int problems;
};

static void problem(struct parse_ctx *p, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void section_problem(struct parse_ctx *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void vproblem(struct parse_ctx *p, int line, const char *fmt, va_list ap)
{
        p->problems++;
        if (!p->errs)
                return;
        fprintf(p->errs, "%s:%d: ", p->path, line);
        vfprintf(p->errs, fmt, ap);
        fputc('\n', p->errs);
}

static void problem(struct parse_ctx *p, int line, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vproblem(p, line, fmt, ap);
        va_end(ap);
}

/* A problem with the [section] itself (unknown, bad or repeated name):
 * once, at its header line, however many keys it holds. */
static void section_problem(struct parse_ctx *p, const char *fmt, ...)
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

static void secret_free(char *s)
{
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
}

/* Read a secret file: it must be a regular file that only its owner can
 * read, or anyone on the host could take the webhook token. */
static int read_secret_file(const char *path, char **out, const char **why)
{
        char buf[SECRET_MAX + 3];       /* the secret, CR LF, NUL */
        struct stat st;
        ssize_t n;
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0) {
                *why = strerror(errno);
                return -errno;
        }
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                *why = "not a regular file";
                r = -EINVAL;
                goto out;
        }
        if (st.st_mode & (S_IRWXG | S_IRWXO)) {
                *why = "readable or writable by group or others (chmod 600 it)";
                r = -EPERM;
                goto out;
        }
        n = read(fd, buf, sizeof(buf) - 1);
        if (n < 0) {
                *why = strerror(errno);
                r = -errno;
                goto out;
        }
        buf[n] = '\0';
        buf[strcspn(buf, "\r\n")] = '\0';      /* one line, newline optional */
        if (strlen(buf) > SECRET_MAX) {
                *why = "longer than the longest secret allowed";
                r = -E2BIG;
                goto out;
        }
        if (!*buf) {
                *why = "empty";
                r = -EINVAL;
                goto out;
        }
        *out = strdup(buf);
        if (!*out)
                r = -ENOMEM;
out:
        explicit_bzero(buf, sizeof(buf));
        close(fd);
        return r;
}

/* The keys each section takes, for "did you mean", a key given twice and
 * quoted values.  Every key a handler below takes is listed here (the
 * unit test walks these lists through config_load). */
static const char *const redock_keys[] = {
        "mode", "inbox-dir", "inbox-max-jobs", "inbox-max-bytes", "queue-dir", "state-dir", "scope", "select",
        "include-stopped", "dry-run", "cleanup", "rolling", "dedup-window", "request-timeout", "retry-for",
        "min-age", "window", "approve", NULL,
};
static const char *const docker_keys[] = {
        "host", "stop-timeout", "health-timeout", "min-uptime", "config-json", NULL,
};
static const char *const source_keys[] = {
        "token", "token-file", "token-credential", "auth", "token-header", "hmac-header",
        "hmac-prefix", "hmac-algorithm", "hmac-encoding", "allow-from", "registry", "aliases",
        "match-host", "format", "min-age", "window", "approve", NULL,
};
static const char *const registry_keys[] = {
        "username", "password", "password-file", "ca-file", "mirror", NULL,
};
static const char *const api_keys[] = {
        "token", "token-file", "read-token", "read-token-file", "pending-expire", NULL,
};
/* no inline secret: a URL with a token in it, a key, a password are
 * only ever read from a *-file (mode checked as token-file is) */
static const char *const notify_keys[] = {
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

static bool key_in(const char *const *keys, const char *name)
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
static void unknown_key(struct parse_ctx *p, const char *name, const char *const *keys)
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
static bool key_given(const struct parse_ctx *p, const char *section, const char *key)
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

/* A registry host as image references name it: a URL or a path there is
 * the usual mistake (the address copied from a browser or a login). */
static bool host_refused(struct parse_ctx *p, const char *key, const char *v)
{
        char host[REGISTRY_HOST_MAX];
        bool url = strstr(v, "://") != NULL;

        if (!url && !strchr(v, '/'))
                return false;
        if (format_url_host(v, host, sizeof(host)) < 0)
                snprintf(host, sizeof(host), "HOST[:PORT]");
        problem(p, p->line, "%s: '%s' %s; give the host only: %s", key, v, url ? "is a URL" : "has a path", host);
        return true;
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

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An unknown format, with every name the table knows. */
static void unknown_format(struct parse_ctx *p, const char *v)
{
        const char *names[64];
        char list[1024];
        size_t n = 0, len = 0;

        for (size_t i = 0; formats[i] && n < sizeof(names) / sizeof(names[0]); i++)
                names[n++] = formats[i]->name;
        for (size_t i = 0; format_aliases[i].alias && n < sizeof(names) / sizeof(names[0]); i++)
                names[n++] = format_aliases[i].alias;
        qsort(names, n, sizeof(names[0]), cmp_str);
        list[0] = '\0';
        for (size_t i = 0; i < n && len < sizeof(list); i++) {
                int w = snprintf(list + len, sizeof(list) - len, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                 names[i]);
                if (w < 0)
                        break;
                len += (size_t)w;
        }
        problem(p, p->line, "unknown format '%s': use auto, %s", v, list);
}

static int parse_int(const char *v, int min, int max, int *out)
{
        char *end;
        long n;

        errno = 0;
        n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < min || n > max)
                return -EINVAL;
        *out = (int)n;
        return 0;
}

static int set_str(char **dst, const char *v)
{
        char *s = strdup(v);

        if (!s)
                return -ENOMEM;
        free(*dst);
        *dst = s;
        return 0;
}

/* A whole number of seconds in min..max, into *out times unit (1 for
 * seconds, 1000 for milliseconds); else a problem, and *out stays. */
static int set_seconds(struct parse_ctx *p, const char *key, const char *v, int min, int max,
                       int unit, int *out)
{
        int s;

        if (parse_int(v, min, max, &s) < 0)
                problem(p, p->line, "%s must be %d..%d seconds", key, min, max);
        else
                *out = s * unit;
        return 0;
}

/* A size: a whole number with an optional K, M or G (powers of 1024),
 * in min..max bytes; else a problem, and *out stays. */
static int set_bytes(struct parse_ctx *p, const char *key, const char *v, long long min,
                     long long max, long long *out)
{
        unsigned long long n = 0, unit = 1;
        const char *s = v;

        while (*s >= '0' && *s <= '9' && n < (1ULL << 50))
                n = n * 10 + (unsigned long long)(*s++ - '0');
        if (*s == 'K' || *s == 'k')
                unit = 1024, s++;
        else if (*s == 'M')
                unit = 1024 * 1024, s++;
        else if (*s == 'G')
                unit = 1024 * 1024 * 1024, s++;
        if (s == v || *s || n >= (1ULL << 50) || n * unit < (unsigned long long)min ||
            n * unit > (unsigned long long)max)
                problem(p, p->line, "%s must be %lld..%lld bytes (K, M, G allowed)", key, min, max);
        else
                *out = (long long)(n * unit);
        return 0;
}

static int split_list(const char *v, char ***out, size_t *n)
{
        char *copy = strdup(v), *save = NULL, *tok;
        int r = 0;

        if (!copy)
                return -ENOMEM;
        for (tok = strtok_r(copy, ", \t", &save); tok;
             tok = strtok_r(NULL, ", \t", &save)) {
                char **a = reallocarray(*out, *n + 1, sizeof(char *));
                if (!a) {
                        r = -ENOMEM;
                        break;
                }
                *out = a;
                a[*n] = strdup(tok);
                if (!a[*n]) {
                        r = -ENOMEM;
                        break;
                }
                (*n)++;
        }
        free(copy);
        return r;
}

static int parse_bool(struct parse_ctx *p, const char *v, bool *out)
{
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
                *out = true;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
                *out = false;
        else
                problem(p, p->line, "'%s' is not yes or no", v);
        return 0;
}

/* min-age and window, for [redock] and [source NAME] alike: 1 when name
 * was one of them (handled, a bad value a problem), 0 when not, -errno. */
static int handle_when(struct parse_ctx *p, struct deploy_when *w, const char *name, const char *value)
{
        char why[160];

        if (strcmp(name, "min-age") == 0) {
                long long secs;

                if (duration_parse(value, &secs) < 0) {
                        problem(p, p->line, "min-age '%s' is not a duration: a number and one of s, m, h, d, w (90s, 30m, 72h, 7d)",
                                value);
                        return 1;
                }
                w->min_age = secs;
                return set_str(&w->min_age_text, value) < 0 ? -ENOMEM : 1;
        }
        if (strcmp(name, "window") == 0) {
                if (window_parse(value, &w->window, why, sizeof(why)) < 0) {
                        problem(p, p->line, "window: %s", why);
                        return 1;
                }
                if (!window_zone_exists(w->window.zone)) {
                        problem(p, p->line, "window: time zone '%s' is not in the TZ database (/usr/share/zoneinfo; package tzdata)",
                                w->window.zone);
                        return 1;
                }
                return set_str(&w->window_text, value) < 0 ? -ENOMEM : 1;
        }
        return 0;
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

/* Signature schemes of registries that sign their webhooks. */
static const struct hmac_preset {
        const char *name, *header, *prefix;
        int bits;
} hmac_presets[] = {
        { "github",  "X-Hub-Signature-256",       "sha256=", 256 },
        { "gitea",   "X-Gitea-Signature",         "",        256 },
        { "forgejo", "X-Forgejo-Signature",       "",        256 },
        { "nexus",   "X-Nexus-Webhook-Signature", "",        1   },
        { "jfrog",   "X-JFrog-Event-Auth",        "",        256 },
};

static int set_auth(struct parse_ctx *p, struct source *s, const char *value)
{
        if (strcmp(value, "token") == 0) {
                s->auth = AUTH_TOKEN;
                return 0;
        }
        if (strcmp(value, "hmac") == 0) {
                s->auth = AUTH_HMAC;
                return 0;
        }
        for (size_t i = 0; i < sizeof(hmac_presets) / sizeof(hmac_presets[0]); i++) {
                const struct hmac_preset *h = &hmac_presets[i];
                if (strcmp(value, h->name) != 0)
                        continue;
                s->auth = AUTH_HMAC;
                s->hmac_bits = h->bits;
                s->hmac_base64 = false;
                if (set_str(&s->hmac_header, h->header) < 0 || set_str(&s->hmac_prefix, h->prefix) < 0)
                        return -ENOMEM;
                return 0;
        }
        problem(p, p->line, "auth must be token, hmac, github, gitea, forgejo, nexus or jfrog");
        return 0;
}

static int set_secret(struct parse_ctx *p, struct source *s, const char *path, const char *key)
{
        const char *why = NULL;
        char *secret = NULL;

        if (read_secret_file(path, &secret, &why) < 0) {
                problem(p, p->line, "%s %s: %s", key, path, why);
                return 0;
        }
        secret_free(s->token);
        s->token = secret;
        return set_str(&s->token_file, path);
}

/* Exactly one of token, token-file and token-credential gives the
 * secret: true when key may, else reported.  key is the table's string
 * (it outlives the parse).  A continuation line replaces the value. */
static bool secret_key_once(struct parse_ctx *p, struct source *s, const char *key)
{
        if (s->token_key && !p->continuation) {
                problem(p, p->line, "%s: [source %s] already has %s (line %d); give exactly one of token, "
                        "token-file and token-credential", key, s->name, s->token_key, s->token_line);
                return false;
        }
        if (!s->token_key) {
                s->token_key = key;
                s->token_line = p->line;
        }
        return true;
}

static int handle_source(struct parse_ctx *p, struct source *s,
                         const char *name, const char *value)
{
        int wr;

        if (strcmp(name, "auth") == 0)
                return set_auth(p, s, value);
        if (strcmp(name, "token-header") == 0)
                return set_str(&s->token_header, value);
        if (strcmp(name, "hmac-header") == 0)
                return set_str(&s->hmac_header, value);
        if (strcmp(name, "hmac-prefix") == 0)
                return set_str(&s->hmac_prefix, value);
        if (strcmp(name, "hmac-algorithm") == 0) {
                s->hmac_bits = strcmp(value, "sha1") == 0 ? 1 : strcmp(value, "sha256") == 0 ? 256 :
                               strcmp(value, "sha512") == 0 ? 512 : 0;
                if (!s->hmac_bits)
                        problem(p, p->line, "hmac-algorithm must be sha1, sha256 or sha512");
                return 0;
        }
        if (strcmp(name, "hmac-encoding") == 0) {
                if (strcmp(value, "hex") != 0 && strcmp(value, "base64") != 0)
                        problem(p, p->line, "hmac-encoding must be hex or base64");
                s->hmac_base64 = strcmp(value, "base64") == 0;
                return 0;
        }
        if (strcmp(name, "allow-from") == 0) {
                char **items = NULL;
                size_t n = 0;
                int r = split_list(value, &items, &n);
                for (size_t i = 0; r == 0 && i < n; i++) {
                        struct cidr *a = reallocarray(s->allow, s->n_allow + 1, sizeof(*a));
                        if (!a) {
                                r = -ENOMEM;
                                break;
                        }
                        s->allow = a;
                        if (cidr_parse(items[i], &a[s->n_allow]) < 0)
                                problem(p, p->line, "allow-from: '%s' is not an address or CIDR range", items[i]);
                        else
                                s->n_allow++;
                }
                for (size_t i = 0; i < n; i++)
                        free(items[i]);
                free(items);
                return r;
        }
        if (strcmp(name, "match-host") == 0) {
                if (strcmp(value, "exact") != 0 && strcmp(value, "any") != 0)
                        problem(p, p->line, "match-host must be exact or any");
                s->match_any_host = strcmp(value, "any") == 0;
                return 0;
        }
        if (strcmp(name, "token-credential") == 0) {
                /* systemd's LoadCredential=: $CREDENTIALS_DIRECTORY/NAME */
                const char *dir = getenv("CREDENTIALS_DIRECTORY");
                char path[PATH_MAX];
                if (!secret_key_once(p, s, "token-credential"))
                        return 0;
                if (!dir || strchr(value, '/')) {
                        problem(p, p->line, "token-credential needs $CREDENTIALS_DIRECTORY (LoadCredential=) and a plain name");
                        return 0;
                }
                snprintf(path, sizeof(path), "%s/%s", dir, value);
                s->token_from_credential = true;
                return set_secret(p, s, path, name);
        }
        if (strcmp(name, "token") == 0) {
                if (!secret_key_once(p, s, "token"))
                        return 0;
                if (!*value || strlen(value) > SECRET_MAX) {
                        problem(p, p->line, "token must be 1..%d characters", SECRET_MAX);
                        return 0;
                }
                secret_free(s->token);
                s->token_from_credential = false;
                s->token = strdup(value);
                return s->token ? 0 : -ENOMEM;
        }
        if (strcmp(name, "token-file") == 0) {
                if (!secret_key_once(p, s, "token-file"))
                        return 0;
                s->token_from_credential = false;
                return set_secret(p, s, value, name);
        }
        if (strcmp(name, "registry") == 0) {
                if (host_refused(p, name, value))
                        return 0;
                return set_str(&s->registry, value);
        }
        if (strcmp(name, "aliases") == 0) {
                size_t before = s->n_aliases;
                int r = split_list(value, &s->aliases, &s->n_aliases);
                for (size_t i = before; r == 0 && i < s->n_aliases; i++)
                        host_refused(p, name, s->aliases[i]);
                return r;
        }
        if (strcmp(name, "format") == 0) {
                if (strcmp(value, "auto") != 0 && !format_find(value))
                        unknown_format(p, value);
                return set_str(&s->format, value);
        }
        if (strcmp(name, "approve") == 0) {
                bool yes = false;

                parse_bool(p, value, &yes);
                s->approve = yes ? 1 : 0;
                return 0;
        }
        wr = handle_when(p, &s->when, name, value);
        if (wr != 0)
                return wr < 0 ? wr : 0;
        unknown_key(p, name, source_keys);
        return 0;
}

static struct registry_cred *find_or_add_cred(struct parse_ctx *p, const char *host)
{
        struct config *c = p->cfg;
        struct registry_cred *r;

        if (c->n_creds && strcmp(c->creds[c->n_creds - 1].host, host) == 0 &&
            c->creds[c->n_creds - 1].line == p->section_line)
                return &c->creds[c->n_creds - 1];
        for (size_t i = 0; i < c->n_creds; i++)
                if (strcmp(c->creds[i].host, host) == 0) {
                        section_problem(p, "registry '%s' defined twice (first at line %d)",
                                        host, c->creds[i].line);
                        return NULL;
                }
        r = reallocarray(c->creds, c->n_creds + 1, sizeof(*r));
        if (!r)
                return NULL;
        c->creds = r;
        r = &c->creds[c->n_creds++];
        memset(r, 0, sizeof(*r));
        r->host = strdup(host);
        r->line = p->section_line;
        return r;
}

/* [api]: the operator API's two secrets (redock api), each given once,
 * literally or from a file. */
static int handle_api(struct parse_ctx *p, struct config *cfg, const char *name, const char *value)
{
        bool read = strncmp(name, "read-", 5) == 0;
        bool file = strstr(name, "-file") != NULL;
        char **slot = read ? &cfg->api_read_token : &cfg->api_token;
        const char *why = NULL;
        char *secret = NULL;

        if (!key_in(api_keys, name)) {
                unknown_key(p, name, api_keys);
                return 0;
        }
        if (strcmp(name, "pending-expire") == 0) {
                long long secs;

                if (duration_parse(value, &secs) < 0 || secs == 0)
                        problem(p, p->line, "pending-expire wants a duration (12h, 7d, 2w), not '%s'", value);
                else
                        cfg->api_pending_expire = secs;
                return 0;
        }
        if (*slot) {
                problem(p, p->line, "%s: [api] has its %s already; give one of %s and %s-file", name,
                        read ? "read-token" : "token", read ? "read-token" : "token", read ? "read-token" : "token");
                return 0;
        }
        if (!file) {
                if (!*value || strlen(value) > SECRET_MAX) {
                        problem(p, p->line, "%s must be 1..%d characters", name, SECRET_MAX);
                        return 0;
                }
                *slot = strdup(value);
                return *slot ? 0 : -ENOMEM;
        }
        if (read_secret_file(value, &secret, &why) < 0) {
                problem(p, p->line, "%s %s: %s", name, value, why);
                return 0;
        }
        *slot = secret;
        return 0;
}

static int handle_registry(struct parse_ctx *p, struct registry_cred *r,
                           const char *name, const char *value)
{
        if (strcmp(name, "username") == 0)
                return set_str(&r->username, value);
        if (strcmp(name, "password") == 0) {
                secret_free(r->password);
                r->password = strdup(value);
                return r->password ? 0 : -ENOMEM;
        }
        if (strcmp(name, "password-file") == 0) {
                const char *why = NULL;
                char *secret = NULL;
                if (read_secret_file(value, &secret, &why) < 0) {
                        problem(p, p->line, "password-file %s: %s", value, why);
                        return 0;
                }
                secret_free(r->password);
                r->password = secret;
                return 0;
        }
        if (strcmp(name, "ca-file") == 0) {
                if (value[0] != '/') {
                        problem(p, p->line, "ca-file wants an absolute path, not '%s'", value);
                        return 0;
                }
                if (access(value, R_OK) < 0) {
                        problem(p, p->line, "ca-file %s: %s", value, strerror(errno));
                        return 0;
                }
                return set_str(&r->ca_file, value);
        }
        if (strcmp(name, "mirror") == 0) {
                if (!imageref_valid_host(value)) {
                        problem(p, p->line, "mirror wants a registry host (HOST[:PORT]), not '%s'", value);
                        return 0;
                }
                return set_str(&r->mirror, value);
        }
        unknown_key(p, name, registry_keys);
        return 0;
}

static const struct {
        const char *name;
        enum notify_type type;
} notify_types[] = {
        { "slack", NOTIFY_SLACK }, { "teams", NOTIFY_TEAMS }, { "webhook", NOTIFY_WEBHOOK },
        { "ntfy", NOTIFY_NTFY }, { "gotify", NOTIFY_GOTIFY }, { "email", NOTIFY_EMAIL },
};

static const char *const notify_event_names[] = {
        "updated", "rolled-back", "failed", "found", "pending", "poll-error",
};

const char *notify_event_name(unsigned ev)
{
        for (size_t i = 0; i < sizeof(notify_event_names) / sizeof(notify_event_names[0]); i++)
                if (ev == 1u << i)
                        return notify_event_names[i];
        return NULL;
}

/* A secret from a file into *dst (the old one wiped); a problem when the
 * file will not do. */
static int set_secret_file(struct parse_ctx *p, const char *key, const char *path, char **dst)
{
        const char *why = NULL;
        char *secret = NULL;

        if (read_secret_file(path, &secret, &why) < 0) {
                problem(p, p->line, "%s %s: %s", key, path, why);
                return 0;
        }
        secret_free(*dst);
        *dst = secret;
        return 0;
}

static bool http_url(const char *v)
{
        return (!strncmp(v, "http://", 7) && v[7]) || (!strncmp(v, "https://", 8) && v[8]);
}

static int set_list(char ***list, size_t *n, const char *v)
{
        for (size_t i = 0; i < *n; i++)
                free((*list)[i]);
        free(*list);
        *list = NULL;
        *n = 0;
        return split_list(v, list, n);
}

static int handle_notify(struct parse_ctx *p, struct notifier *nt, const char *name, const char *value)
{
        if (strcmp(name, "type") == 0) {
                for (size_t i = 0; i < sizeof(notify_types) / sizeof(notify_types[0]); i++)
                        if (strcmp(value, notify_types[i].name) == 0) {
                                nt->type = notify_types[i].type;
                                nt->type_set = true;
                                return 0;
                        }
                problem(p, p->line, "type must be slack, teams, webhook, ntfy, gotify or email");
                return 0;
        }
        if (strcmp(name, "url") == 0 || strcmp(name, "url-file") == 0) {
                bool file = name[3] == '-';
                int r;

                if (nt->url && !p->continuation) {
                        problem(p, p->line, "%s: [notify %s] has its url already; give one of url and url-file",
                                name, nt->name);
                        return 0;
                }
                r = file ? set_secret_file(p, name, value, &nt->url) : set_str(&nt->url, value);
                if (r == 0 && nt->url && !http_url(nt->url)) {
                        /* the file's text is a secret: not shown */
                        if (file)
                                problem(p, p->line, "url-file %s: want one line http://... or https://...", value);
                        else
                                problem(p, p->line, "url must be http://... or https://...");
                }
                return r;
        }
        if (strcmp(name, "events") == 0) {
                char **words = NULL;
                size_t n = 0;
                int r = split_list(value, &words, &n);

                nt->events = 0;
                for (size_t i = 0; r == 0 && i < n; i++) {
                        size_t k = 0;

                        while (k < sizeof(notify_event_names) / sizeof(notify_event_names[0]) &&
                               strcmp(words[i], notify_event_names[k]) != 0)
                                k++;
                        if (k < sizeof(notify_event_names) / sizeof(notify_event_names[0]))
                                nt->events |= 1u << k;
                        else
                                problem(p, p->line, "events: unknown event '%s' (use updated, rolled-back, failed, "
                                        "found, pending, poll-error)", words[i]);
                }
                for (size_t i = 0; i < n; i++)
                        free(words[i]);
                free(words);
                if (r == 0 && n == 0)
                        problem(p, p->line, "events: name at least one event (leave the key out for all)");
                return r;
        }
        if (strcmp(name, "sources") == 0)
                return set_list(&nt->sources, &nt->n_sources, value);
        if (strcmp(name, "containers") == 0)
                return set_list(&nt->containers, &nt->n_containers, value);
        if (strcmp(name, "to") == 0) {
                int r = set_list(&nt->to, &nt->n_to, value);
                for (size_t i = 0; r == 0 && i < nt->n_to; i++)
                        if (!strchr(nt->to[i], '@') || strpbrk(nt->to[i], "<>\r\n"))
                                problem(p, p->line, "to: '%s' is not an e-mail address", nt->to[i]);
                return r;
        }
        if (strcmp(name, "from") == 0) {
                if (!strchr(value, '@') || strpbrk(value, "<>\r\n"))
                        problem(p, p->line, "from: '%s' is not an e-mail address", value);
                return set_str(&nt->from, value);
        }
        if (strcmp(name, "secret-file") == 0)
                return set_secret_file(p, name, value, &nt->secret);
        if (strcmp(name, "token-file") == 0)
                return set_secret_file(p, name, value, &nt->token);
        if (strcmp(name, "password-file") == 0)
                return set_secret_file(p, name, value, &nt->password);
        if (strcmp(name, "username") == 0)
                return set_str(&nt->username, value);
        if (strcmp(name, "smtp-url") == 0) {
                if ((strncmp(value, "smtp://", 7) != 0 || !value[7]) && (strncmp(value, "smtps://", 8) != 0 || !value[8]))
                        problem(p, p->line, "smtp-url must be smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]");
                return set_str(&nt->smtp_url, value);
        }
        if (strcmp(name, "starttls") == 0)
                return parse_bool(p, value, &nt->starttls);
        if (strcmp(name, "ca-file") == 0) {
                if (access(value, R_OK) < 0)
                        problem(p, p->line, "ca-file %s: %s", value, strerror(errno));
                return set_str(&nt->ca_file, value);
        }
        if (strcmp(name, "timeout") == 0)
                return set_seconds(p, name, value, 1, 60, 1000, &nt->timeout_ms);
        unknown_key(p, name, notify_keys);
        return 0;
}

static struct notifier *find_or_add_notifier(struct parse_ctx *p, const char *name)
{
        struct config *c = p->cfg;
        struct notifier *nt;

        if (c->n_notifiers && strcmp(c->notifiers[c->n_notifiers - 1].name, name) == 0 &&
            c->notifiers[c->n_notifiers - 1].line == p->section_line)
                return &c->notifiers[c->n_notifiers - 1];
        for (size_t i = 0; i < c->n_notifiers; i++)
                if (strcmp(c->notifiers[i].name, name) == 0) {
                        section_problem(p, "notify '%s' defined twice (first at line %d)",
                                        name, c->notifiers[i].line);
                        return NULL;
                }
        nt = reallocarray(c->notifiers, c->n_notifiers + 1, sizeof(*nt));
        if (!nt)
                return NULL;
        c->notifiers = nt;
        nt = &c->notifiers[c->n_notifiers];
        memset(nt, 0, sizeof(*nt));
        nt->name = strdup(name);
        if (!nt->name)
                return NULL;
        c->n_notifiers++;
        nt->line = p->section_line;
        nt->events = NOTIFY_EV_ALL;
        nt->starttls = true;
        nt->timeout_ms = 5000;
        return nt;
}

/* Each type's keys: what it needs, and what it cannot use (a key of
 * another type is a mistake worth saying). */
static void check_notifier(struct parse_ctx *p, const struct notifier *nt)
{
        char section[SOURCE_NAME_MAX + 16];
        bool email = nt->type == NOTIFY_EMAIL;
        static const char *const email_only[] = { "smtp-url", "username", "password-file", "from", "to", "starttls" };

        snprintf(section, sizeof(section), "notify %s", nt->name);
        if (!nt->type_set) {
                if (!key_given(p, section, "type"))
                        problem(p, nt->line, "notify '%s' has no type (slack, teams, webhook, ntfy, gotify or email)",
                                nt->name);
                return;
        }
        if (!email && !nt->url && !key_given(p, section, "url") && !key_given(p, section, "url-file"))
                problem(p, nt->line, "notify '%s' has no url or url-file", nt->name);
        if (email) {
                if (key_given(p, section, "url") || key_given(p, section, "url-file"))
                        problem(p, nt->line, "notify '%s': type email takes smtp-url, not url", nt->name);
                if (!nt->smtp_url && !key_given(p, section, "smtp-url"))
                        problem(p, nt->line, "notify '%s' (email) has no smtp-url", nt->name);
                if (!nt->from && !key_given(p, section, "from"))
                        problem(p, nt->line, "notify '%s' (email) has no from", nt->name);
                if (!nt->n_to && !key_given(p, section, "to"))
                        problem(p, nt->line, "notify '%s' (email) has no to", nt->name);
                if (key_given(p, section, "password-file") && !nt->username && !key_given(p, section, "username"))
                        problem(p, nt->line, "notify '%s': password-file without username", nt->name);
        } else {
                for (size_t i = 0; i < sizeof(email_only) / sizeof(email_only[0]); i++)
                        if (key_given(p, section, email_only[i]))
                                problem(p, nt->line, "notify '%s': %s is for type email only", nt->name, email_only[i]);
        }
        if (nt->type != NOTIFY_WEBHOOK && key_given(p, section, "secret-file"))
                problem(p, nt->line, "notify '%s': secret-file is for type webhook only", nt->name);
        if (nt->type != NOTIFY_NTFY && nt->type != NOTIFY_GOTIFY && key_given(p, section, "token-file"))
                problem(p, nt->line, "notify '%s': token-file is for types ntfy and gotify only", nt->name);
        if (nt->type == NOTIFY_GOTIFY && !nt->token && !key_given(p, section, "token-file"))
                problem(p, nt->line, "notify '%s' (gotify) has no token-file (an application token)", nt->name);
}

static struct source *find_or_add_source(struct parse_ctx *p, const char *name)
{
        struct config *c = p->cfg;
        struct source *s;

        /* the section we are in, or a second one with the same name */
        if (c->n_sources && strcmp(c->sources[c->n_sources - 1].name, name) == 0 &&
            c->sources[c->n_sources - 1].line == p->section_line)
                return &c->sources[c->n_sources - 1];
        for (size_t i = 0; i < c->n_sources; i++)
                if (strcmp(c->sources[i].name, name) == 0) {
                        section_problem(p, "source '%s' defined twice (first at line %d)",
                                        name, c->sources[i].line);
                        return NULL;
                }
        s = reallocarray(c->sources, c->n_sources + 1, sizeof(*s));
        if (!s)
                return NULL;
        c->sources = s;
        s = &c->sources[c->n_sources++];
        memset(s, 0, sizeof(*s));
        s->name = strdup(name);
        s->line = p->section_line;
        s->approve = -1;
        s->hmac_bits = 256;
        return s;
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

int config_load(const char *path, struct config *cfg, FILE *errs)
{
        struct parse_ctx p = { .cfg = cfg, .errs = errs, .path = path, .section_reported = -1 };
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

        for (size_t i = 0; i < cfg->n_creds; i++) {
                const struct registry_cred *rc = &cfg->creds[i];
                char section[REGISTRY_HOST_MAX + 16];

                /* a key given but refused has said what is wrong */
                snprintf(section, sizeof(section), "registry %s", rc->host);
                bool user = rc->username || key_given(&p, section, "username");
                bool pass = rc->password || key_given(&p, section, "password") ||
                            key_given(&p, section, "password-file");
                bool other = key_given(&p, section, "ca-file") || key_given(&p, section, "mirror");

                /* a section for ca-file or mirror alone needs no credentials */
                if (user != pass || (!user && !other))
                        problem(&p, rc->line, "registry '%s' needs username and password (or password-file)", rc->host);
        }
        for (size_t i = 0; i < cfg->n_sources; i++) {
                const struct source *s = &cfg->sources[i];
                /* a token key that was refused has said what is wrong */
                if (!s->token_key)
                        problem(&p, s->line, "source '%s' has no token, token-file or token-credential", s->name);
                if (s->auth == AUTH_HMAC && !s->hmac_header)
                        problem(&p, s->line, "source '%s' uses auth = hmac but sets no hmac-header", s->name);
        }
        for (size_t i = 0; i < cfg->n_notifiers; i++)
                check_notifier(&p, &cfg->notifiers[i]);
        seen_free(&p);
        if (p.problems == 0 && (set_defaults(cfg) < 0 || !(cfg->path = strdup(path))))
                problem(&p, 0, "out of memory");
        if (p.problems) {
                config_free(cfg);
                return p.problems;
        }
        return 0;
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
        for (size_t i = 0; i < cfg->n_sources; i++) {
                struct source *s = &cfg->sources[i];
                free(s->name);
                secret_free(s->token);
                free(s->token_file);
                free(s->registry);
                for (size_t j = 0; j < s->n_aliases; j++)
                        free(s->aliases[j]);
                free(s->aliases);
                free(s->format);
                free(s->token_header);
                free(s->hmac_header);
                free(s->hmac_prefix);
                free(s->allow);
                free(s->when.min_age_text);
                free(s->when.window_text);
        }
        free(cfg->when.min_age_text);
        free(cfg->when.window_text);
        free(cfg->sources);
        for (size_t i = 0; i < cfg->n_creds; i++) {
                free(cfg->creds[i].host);
                free(cfg->creds[i].username);
                free(cfg->creds[i].ca_file);
                free(cfg->creds[i].mirror);
                secret_free(cfg->creds[i].password);
        }
        free(cfg->creds);
        secret_free(cfg->api_token);
        secret_free(cfg->api_read_token);
        for (size_t i = 0; i < cfg->n_notifiers; i++) {
                struct notifier *nt = &cfg->notifiers[i];
                free(nt->name);
                secret_free(nt->url);
                secret_free(nt->secret);
                secret_free(nt->token);
                secret_free(nt->password);
                free(nt->smtp_url);
                free(nt->username);
                free(nt->from);
                free(nt->ca_file);
                strv_free(nt->to, nt->n_to);
                strv_free(nt->sources, nt->n_sources);
                strv_free(nt->containers, nt->n_containers);
        }
        free(cfg->notifiers);
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
