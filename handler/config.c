/* config: parse, validate and hold the configuration. */
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
#include "formats/formats.h"
#include "limits.h"

struct parse_ctx {
        struct config *cfg;
        FILE *in;
        FILE *errs;
        const char *path;
        int line;               /* counted by our reader */
        int problems;
};

static void problem(struct parse_ctx *p, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void problem(struct parse_ctx *p, int line, const char *fmt, ...)
{
        va_list ap;

        p->problems++;
        if (!p->errs)
                return;
        fprintf(p->errs, "%s:%d: ", p->path, line);
        va_start(ap, fmt);
        vfprintf(p->errs, fmt, ap);
        va_end(ap);
        fputc('\n', p->errs);
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
        char buf[SECRET_MAX + 2];
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
        if ((size_t)n > SECRET_MAX) {
                *why = "longer than the longest secret allowed";
                r = -E2BIG;
                goto out;
        }
        buf[n] = '\0';
        buf[strcspn(buf, "\r\n")] = '\0';      /* one line, newline optional */
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

static int handle_redock(struct parse_ctx *p, const char *name, const char *value)
{
        struct config *c = p->cfg;

        if (strcmp(name, "queue-dir") == 0)
                return set_str(&c->queue_dir, value);
        if (strcmp(name, "state-dir") == 0)
                return set_str(&c->state_dir, value);
        problem(p, p->line, "unknown key '%s' in [redock]", name);
        return 0;
}

static int handle_docker(struct parse_ctx *p, const char *name, const char *value)
{
        struct config *c = p->cfg;

        if (strcmp(name, "host") == 0) {
                if (strncmp(value, "unix://", 7) != 0 &&
                    strncmp(value, "tcp://", 6) != 0)
                        problem(p, p->line, "host must be unix://PATH or tcp://HOST:PORT");
                return set_str(&c->docker_host, value);
        }
        if (strcmp(name, "stop-timeout") == 0) {
                if (parse_int(value, 0, 3600, &c->stop_timeout) < 0)
                        problem(p, p->line, "stop-timeout must be 0..3600 seconds");
                return 0;
        }
        if (strcmp(name, "health-timeout") == 0) {
                if (parse_int(value, 1, 3600, &c->health_timeout) < 0)
                        problem(p, p->line, "health-timeout must be 1..3600 seconds");
                return 0;
        }
        if (strcmp(name, "min-uptime") == 0) {
                int s;
                if (parse_int(value, 0, 600, &s) < 0)
                        problem(p, p->line, "min-uptime must be 0..600 seconds");
                else
                        c->min_uptime_ms = s * 1000;
                return 0;
        }
        problem(p, p->line, "unknown key '%s' in [docker]", name);
        return 0;
}

static int handle_source(struct parse_ctx *p, struct source *s,
                         const char *name, const char *value)
{
        if (strcmp(name, "token") == 0) {
                if (!*value || strlen(value) > SECRET_MAX) {
                        problem(p, p->line, "token must be 1..%d characters", SECRET_MAX);
                        return 0;
                }
                secret_free(s->token);
                s->token = strdup(value);
                return s->token ? 0 : -ENOMEM;
        }
        if (strcmp(name, "token-file") == 0) {
                const char *why = NULL;
                char *secret = NULL;
                if (read_secret_file(value, &secret, &why) < 0) {
                        problem(p, p->line, "token-file %s: %s", value, why);
                        return 0;
                }
                secret_free(s->token);
                s->token = secret;
                return set_str(&s->token_file, value);
        }
        if (strcmp(name, "registry") == 0)
                return set_str(&s->registry, value);
        if (strcmp(name, "aliases") == 0)
                return split_list(value, &s->aliases, &s->n_aliases);
        if (strcmp(name, "format") == 0) {
                if (strcmp(value, "auto") != 0 && !format_find(value))
                        problem(p, p->line, "unknown format '%s'", value);
                return set_str(&s->format, value);
        }
        problem(p, p->line, "unknown key '%s' in [source %s]", name, s->name);
        return 0;
}

static struct source *find_or_add_source(struct parse_ctx *p, const char *name)
{
        struct config *c = p->cfg;
        struct source *s;

        if (c->n_sources && strcmp(c->sources[c->n_sources - 1].name, name) == 0)
                return &c->sources[c->n_sources - 1];
        for (size_t i = 0; i < c->n_sources; i++)
                if (strcmp(c->sources[i].name, name) == 0) {
                        problem(p, p->line, "source '%s' defined twice (first at line %d)",
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
        s->line = p->line;
        return s;
}

static int ini_cb(void *user, const char *section, const char *name,
                  const char *value)
{
        struct parse_ctx *p = user;
        int r = 0;

        if (strcmp(section, "redock") == 0)
                r = handle_redock(p, name, value);
        else if (strcmp(section, "docker") == 0)
                r = handle_docker(p, name, value);
        else if (strncmp(section, "source ", 7) == 0) {
                const char *sname = section + 7;
                struct source *s;

                if (!source_name_valid(sname)) {
                        problem(p, p->line, "bad source name '%s' (use letters, digits, '.', '_', '-')", sname);
                        return 1;
                }
                s = find_or_add_source(p, sname);
                if (s)
                        r = handle_source(p, s, name, value);
        } else
                problem(p, p->line, "unknown section [%s]", section);
        if (r < 0)
                problem(p, p->line, "%s", strerror(-r));
        return 1;       /* keep going: report every problem at once */
}

/* inih reads line by line through this, so we know the current line. */
static char *counting_reader(char *str, int num, void *stream)
{
        struct parse_ctx *p = stream;
        char *s = fgets(str, num, p->in);

        if (s)
                p->line++;
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
        struct parse_ctx p = { .cfg = cfg, .errs = errs, .path = path };
        int r;

        memset(cfg, 0, sizeof(*cfg));
        cfg->stop_timeout = 10;
        cfg->health_timeout = 60;
        cfg->min_uptime_ms = 1000;

        p.in = fopen(path, "re");
        if (!p.in) {
                r = -errno;
                if (errs)
                        fprintf(errs, "%s: %s\n", path, strerror(errno));
                return r;
        }
        r = ini_parse_stream(counting_reader, &p, ini_cb, &p);
        fclose(p.in);
        if (r > 0 && p.problems == 0)
                problem(&p, r, "syntax error (expected [section] or key = value)");
        else if (r < 0)
                problem(&p, 0, "cannot parse (out of memory?)");

        for (size_t i = 0; i < cfg->n_sources; i++) {
                const struct source *s = &cfg->sources[i];
                if (!s->token)
                        problem(&p, s->line, "source '%s' has no token or token-file", s->name);
        }
        if (p.problems == 0 && (set_defaults(cfg) < 0 || !(cfg->path = strdup(path))))
                problem(&p, 0, "out of memory");
        if (p.problems) {
                config_free(cfg);
                return p.problems;
        }
        return 0;
}

const struct source *config_source(const struct config *cfg, const char *name)
{
        for (size_t i = 0; i < cfg->n_sources; i++)
                if (strcmp(cfg->sources[i].name, name) == 0)
                        return &cfg->sources[i];
        return NULL;
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
        }
        free(cfg->sources);
        free(cfg->path);
        free(cfg->docker_host);
        free(cfg->queue_dir);
        free(cfg->state_dir);
        memset(cfg, 0, sizeof(*cfg));
}
