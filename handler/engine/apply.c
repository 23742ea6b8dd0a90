/* apply: `redock config apply`, the active configuration with its
 * secrets taken in. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "apply.h"
#include "fsutil.h"
#include "log.h"

#define CONFIG_FILE_MAX (1024 * 1024)
/* inih's default INI_MAX_LINE: a longer line is cut there */
#define INI_LINE_MAX 200

static void put_line(FILE *f, const char *line, size_t len, bool nl)
{
        fwrite(line, 1, len, f);
        if (nl)
                fputc('\n', f);
}

/* Does inih read "key = v" back as v, and config check take it?  Not
 * with blanks at either end, a control character, a blank before ';' (an
 * inline comment), or quotes at both ends (refused as a quoted value). */
static bool ini_plain_value(const char *v)
{
        size_t n = strlen(v);

        if (!n || isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]))
                return false;
        if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
                return false;
        for (size_t i = 0; i < n; i++)
                if (iscntrl((unsigned char)v[i]) ||
                    (v[i] == ';' && i && isspace((unsigned char)v[i - 1])))
                        return false;
        return true;
}

/* How inih itself read one line of the file: the key it reported for
 * it (with its section), or none (a blank line, a comment, a section
 * header, an error that config check refuses). */
struct ini_line {
        size_t off, len;        /* in the file's text, '\n' included */
        bool key;               /* inih called the handler for it */
        bool continuation;      /* ... as a continuation of the key before */
        char section[256];      /* inih's section of the key */
        char name[64];          /* inih's key name */
};

struct ini_read {
        const char *text;
        size_t len, pos;
        struct ini_line *lines;
        size_t n, cap;
        bool nomem;
        char last_section[256];
        bool key_in_section;
};

/* inih's line reader, over memory, as fgets would read a file: each
 * call is one line of inih's, so the handler below knows which. */
static char *mem_reader(char *str, int num, void *stream)
{
        struct ini_read *rd = stream;
        size_t n = 0;

        if (rd->pos >= rd->len || num < 2)
                return NULL;
        while (rd->pos + n < rd->len && n < (size_t)num - 1) {
                if (rd->text[rd->pos + n++] == '\n')
                        break;
        }
        if (rd->n == rd->cap) {
                size_t cap = rd->cap ? rd->cap * 2 : 64;
                struct ini_line *v = reallocarray(rd->lines, cap, sizeof(*v));
                if (!v) {
                        rd->nomem = true;
                        return NULL;
                }
                rd->lines = v;
                rd->cap = cap;
        }
        memset(&rd->lines[rd->n], 0, sizeof(rd->lines[rd->n]));
        rd->lines[rd->n].off = rd->pos;
        rd->lines[rd->n].len = n;
        rd->n++;
        memcpy(str, rd->text + rd->pos, n);
        str[n] = '\0';
        rd->pos += n;
        return str;
}

static int mem_handler(void *user, const char *section, const char *name, const char *value)
{
        struct ini_read *rd = user;
        struct ini_line *l = &rd->lines[rd->n - 1];

        (void)value;
        l->key = true;
        snprintf(l->section, sizeof(l->section), "%s", section);
        snprintf(l->name, sizeof(l->name), "%s", name);
        /* inih: an indented line after a key of the same section
         * continues that key's value */
        if (strcmp(section, rd->last_section) != 0) {
                snprintf(rd->last_section, sizeof(rd->last_section), "%s", section);
                rd->key_in_section = false;
        }
        l->continuation = rd->key_in_section && l->len && isspace((unsigned char)rd->text[l->off]);
        rd->key_in_section = true;
        return 1;
}

/* The sections a split-mode webhook may see: no [registry] (pull
 * credentials), nor any section this redock does not know. */
static bool webhook_section(const char *section)
{
        return !strcmp(section, "redock") || !strcmp(section, "docker") ||
               !strncmp(section, "source ", 7);
}

/* For a line inih did not report a key on: the section a header opens
 * (into section), else section is left as it is. */
static void track_header(const char *line, size_t len, char *section, size_t size)
{
        const char *s = line, *end = line + len, *close;

        while (s < end && isspace((unsigned char)*s))
                s++;
        if (s >= end || *s != '[')
                return;
        close = memchr(s, ']', (size_t)(end - s));
        /* an unclosed '[' is a syntax error config check reports; until
         * then nothing of it is the webhook's */
        snprintf(section, size, "%.*s", close ? (int)(close - s - 1) : 0, close ? s + 1 : "");
        if (!close)
                snprintf(section, size, "%s", "(bad)");
}

/* The active configuration: the file as it is, line for line (so that
 * line numbers stay right), except that every token-file and
 * password-file line becomes the secret it names ("token = ...",
 * "password = ...").  The active file is then all a webhook process
 * needs -- in split mode it is handed in with LoadCredential=, and the
 * dynamic user could not read the token files -- and a token file is
 * taken in when the configuration is applied, not on every request.
 * A secret that cannot stand on an INI line is an error in split mode;
 * in inline mode its line is kept (the file is then read live) with a
 * warning.  The webhook's copy (wout) keeps only the lines of the
 * sections webhook_section allows, each other line blank (line numbers
 * stay).  Which line is in which section is what inih itself says (an
 * indented "[registry x]" after a key is a continuation of that key, not
 * a section): the file is read through inih with a line reader of our
 * own.  Returns 0 or the number of problems (logged). */
static int snapshot_secrets(const char *path, const struct config *cfg, const char *in, size_t n,
                            char **out, size_t *out_len, char **wout, size_t *wout_len)
{
        struct ini_read rd = { .text = in, .len = n };
        char section[256] = "";
        int problems = 0;
        FILE *f, *wf;

        if (ini_parse_stream(mem_reader, &rd, mem_handler, &rd) < 0 || rd.nomem) {
                free(rd.lines);
                log_msg(LOG_ERR, "%s: cannot parse (out of memory?)", path);
                return 1;
        }
        f = open_memstream(out, out_len);
        wf = open_memstream(wout, wout_len);
        if (!f || !wf) {
                if (f)
                        fclose(f);
                if (wf)
                        fclose(wf);
                free(rd.lines);
                return 1;
        }
        for (size_t i = 0; i < rd.n; i++) {
                const struct ini_line *l = &rd.lines[i];
                const char *p = in + l->off, *secret = NULL, *key = NULL;
                bool nl = l->len && p[l->len - 1] == '\n', take_in, webhook;
                size_t len = l->len - (nl ? 1 : 0);

                if (l->key && !l->continuation) {
                        if (strcmp(l->name, "token-file") == 0 && strncmp(l->section, "source ", 7) == 0) {
                                const struct source *src = config_source(cfg, l->section + 7);
                                if (src && src->token && !src->token_from_credential) {
                                        secret = src->token;
                                        key = "token";
                                }
                        } else if (strcmp(l->name, "password-file") == 0 &&
                                   strncmp(l->section, "registry ", 9) == 0) {
                                for (size_t c = 0; c < cfg->n_creds; c++)
                                        if (strcmp(cfg->creds[c].host, l->section + 9) == 0)
                                                secret = cfg->creds[c].password;
                                key = "password";
                        }
                }
                if (!l->key)
                        track_header(p, len, section, sizeof(section));
                webhook = webhook_section(l->key ? l->section : section) || (!l->key && !section[0]);
                take_in = secret && ini_plain_value(secret) &&
                          strlen(key) + 3 + strlen(secret) < INI_LINE_MAX;
                if (secret && !take_in) {
                        log_msg(cfg->split ? LOG_ERR : LOG_WARNING,
                                "%s:%zu: the secret %s names cannot be copied into the active "
                                "configuration (longer than %zu characters, blanks or quotes at either end, or ' ;')%s",
                                path, i + 1, l->name, INI_LINE_MAX - 1 - strlen(key) - 3,
                                cfg->split ? "; split mode needs that (or token-credential)"
                                           : "; it is read from its file on every request");
                        if (cfg->split)
                                problems++;
                }
                if (take_in)
                        fprintf(f, "%s = %s\n", key, secret);
                else
                        put_line(f, p, len, nl);
                if (!webhook)
                        put_line(wf, "", 0, nl);
                else if (take_in)
                        fprintf(wf, "%s = %s\n", key, secret);
                else
                        put_line(wf, p, len, nl);
        }
        free(rd.lines);
        if (fclose(f) != 0)
                problems++;
        if (fclose(wf) != 0)
                problems++;
        return problems;
}

int config_apply(const char *path, const struct config *cfg, const char *to)
{
        char *active = NULL, *webhook = NULL, *buf, wpath[PATH_MAX];
        size_t active_len = 0, webhook_len = 0;
        ssize_t n;
        int r = 0, fd;

        buf = malloc(CONFIG_FILE_MAX);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        n = fd < 0 || !buf ? -1 : read(fd, buf, CONFIG_FILE_MAX);
        if (fd >= 0)
                close(fd);
        if (n < 0 || n == CONFIG_FILE_MAX) {
                log_msg(LOG_ERR, "cannot read %s: %s", path, n < 0 ? strerror(errno) : "too large");
                r = -EIO;
        } else if (snapshot_secrets(path, cfg, buf, (size_t)n, &active, &active_len,
                                    &webhook, &webhook_len) != 0) {
                log_msg(LOG_ERR, "configuration %s not applied; the last good one stays active", path);
                r = -EINVAL;
        } else {
                /* beside it, the split-mode webhook's copy (webhook.conf):
                 * first, so the active one never names what is not there;
                 * both 0600, as they hold secrets */
                const char *slash = strrchr(to, '/');
                snprintf(wpath, sizeof(wpath), "%.*swebhook.conf", slash ? (int)(slash - to + 1) : 0, to);
                if ((r = write_file_atomic(wpath, webhook, webhook_len, 0600)) < 0)
                        log_msg(LOG_ERR, "cannot install %s: %s", wpath, strerror(-r));
                else if ((r = write_file_atomic(to, active, active_len, 0600)) < 0)
                        log_msg(LOG_ERR, "cannot install %s as %s: %s", path, to, strerror(-r));
        }
        if (buf)
                explicit_bzero(buf, CONFIG_FILE_MAX);   /* secrets */
        if (active)
                explicit_bzero(active, active_len);
        if (webhook)
                explicit_bzero(webhook, webhook_len);
        free(buf);
        free(active);
        free(webhook);
        return r;
}
