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

#include "apply.h"
#include "fsutil.h"
#include "log.h"

#define CONFIG_FILE_MAX (1024 * 1024)
/* inih's default INI_MAX_LINE: a longer line is cut there */
#define INI_LINE_MAX 200

/* Write data into place: temporary file (mode 0600: it may hold
 * secrets), fsync, rename, fsync the directory, so readers see the old or
 * the new file, whole. */
static int install_data(const char *buf, size_t n, const char *to)
{
        char tmp[4096], dir[4096];
        int out, r = 0;
        char *slash;

        snprintf(tmp, sizeof(tmp), "%s.tmp-%d", to, (int)getpid());
        out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0)
                return -errno;
        if (write(out, buf, n) != (ssize_t)n)
                r = -EIO;       /* a short write sets no errno */
        else if (fsync(out) < 0)
                r = -errno;
        if (close(out) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, to) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return r;
        }
        /* the rename itself, on disk */
        snprintf(dir, sizeof(dir), "%s", to);
        slash = strrchr(dir, '/');
        if (slash) {
                *slash = '\0';
                fsync_dir(slash == dir ? "/" : dir);
        }
        return 0;
}

static void put_line(FILE *f, const char *line, size_t len, bool nl)
{
        fwrite(line, 1, len, f);
        if (nl)
                fputc('\n', f);
}

/* Does inih read "key = v" back as v?  Not with blanks at either end, a
 * control character, or a blank before ';' (an inline comment). */
static bool ini_plain_value(const char *v)
{
        size_t n = strlen(v);

        if (!n || isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (iscntrl((unsigned char)v[i]) ||
                    (v[i] == ';' && i && isspace((unsigned char)v[i - 1])))
                        return false;
        return true;
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
 * warning.  The webhook's copy (wout) is the same with every [registry]
 * section blanked out: a split-mode webhook needs no pull credentials.
 * Returns 0 or the number of problems (logged). */
static int snapshot_secrets(const char *path, const struct config *cfg, const char *in, size_t n,
                            char **out, size_t *out_len, char **wout, size_t *wout_len)
{
        char section[256] = "";
        const char *p = in, *end = in + n;
        int line = 0, problems = 0;
        bool key_seen = false;
        FILE *f = open_memstream(out, out_len);
        FILE *wf = open_memstream(wout, wout_len);

        if (!f || !wf) {
                if (f)
                        fclose(f);
                if (wf)
                        fclose(wf);
                return 1;
        }
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
                const char *s = p, *secret = NULL, *key = NULL;
                bool take_in;
                char name[64] = "";
                size_t k;

                line++;
                while (s < p + len && isspace((unsigned char)*s))
                        s++;
                if (s < p + len && *s == '[') {
                        const char *close = memchr(s, ']', (size_t)(p + len - s));
                        if (close)
                                snprintf(section, sizeof(section), "%.*s", (int)(close - s - 1), s + 1);
                        key_seen = false;
                } else if (s < p + len && *s != ';' && *s != '#' && (s == p || !key_seen)) {
                        /* a key (inih: an indented line after a key
                         * continues its value): the name up to '=' or ':' */
                        key_seen = true;
                        k = strcspn(s, "=:\n");
                        while (k && isspace((unsigned char)s[k - 1]))
                                k--;
                        snprintf(name, sizeof(name), "%.*s", (int)(k < sizeof(name) - 1 ? k : sizeof(name) - 1), s);
                        if (strcmp(name, "token-file") == 0 && strncmp(section, "source ", 7) == 0) {
                                const struct source *src = config_source(cfg, section + 7);
                                if (src && src->token && !src->token_from_credential) {
                                        secret = src->token;
                                        key = "token";
                                }
                        } else if (strcmp(name, "password-file") == 0 && strncmp(section, "registry ", 9) == 0) {
                                for (size_t i = 0; i < cfg->n_creds; i++)
                                        if (strcmp(cfg->creds[i].host, section + 9) == 0)
                                                secret = cfg->creds[i].password;
                                key = "password";
                        }
                }
                take_in = secret && ini_plain_value(secret) &&
                          strlen(key) + 3 + strlen(secret) < INI_LINE_MAX;
                if (secret && !take_in) {
                        log_msg(cfg->split ? LOG_ERR : LOG_WARNING,
                                "%s:%d: the secret %s names cannot be copied into the active "
                                "configuration (longer than %zu characters, blanks at either end, or ' ;')%s",
                                path, line, name, INI_LINE_MAX - 1 - strlen(key) - 3,
                                cfg->split ? "; split mode needs that (or token-credential)"
                                           : "; it is read from its file on every request");
                        if (cfg->split)
                                problems++;
                }
                if (take_in)
                        fprintf(f, "%s = %s\n", key, secret);
                else
                        put_line(f, p, len, nl != NULL);
                /* the webhook's copy: blank lines for a [registry]
                 * section, so that line numbers stay the same */
                if (strncmp(section, "registry ", 9) == 0)
                        put_line(wf, "", 0, nl != NULL);
                else if (take_in)
                        fprintf(wf, "%s = %s\n", key, secret);
                else
                        put_line(wf, p, len, nl != NULL);
                p += len + (nl ? 1 : 0);
        }
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
                 * first, so the active one never names what is not there */
                const char *slash = strrchr(to, '/');
                snprintf(wpath, sizeof(wpath), "%.*swebhook.conf", slash ? (int)(slash - to + 1) : 0, to);
                if ((r = install_data(webhook, webhook_len, wpath)) < 0)
                        log_msg(LOG_ERR, "cannot install %s: %s", wpath, strerror(-r));
                else if ((r = install_data(active, active_len, to)) < 0)
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
