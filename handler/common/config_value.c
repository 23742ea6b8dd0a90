/* config_value: the value parsers every section's handler shares, and
 * secret files (read once, wiped when freed). */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"
#include "duration.h"

void secret_free(char *s)
{
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
}

/* Read a secret file: it must be a regular file that only its owner can
 * read, or anyone on the host could take the webhook token. */
int read_secret_file(const char *path, char **out, const char **why)
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

int parse_int(const char *v, int min, int max, int *out)
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

int set_str(char **dst, const char *v)
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
int set_seconds(struct parse_ctx *p, const char *key, const char *v, int min, int max,
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
int set_bytes(struct parse_ctx *p, const char *key, const char *v, long long min,
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

int split_list(const char *v, char ***out, size_t *n)
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

int parse_bool(struct parse_ctx *p, const char *v, bool *out)
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
int handle_when(struct parse_ctx *p, struct deploy_when *w, const char *name, const char *value)
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
