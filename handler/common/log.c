/* log: journald or stderr. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"

static bool to_journal;
/* debug lines are for a developer's build, not the journal */
#define LOG_MAX_PRIORITY LOG_INFO

/* systemd sets JOURNAL_STREAM=dev:inode for a stderr it connected to the
 * journal; only trust it when stderr is still that very stream. */
void log_init(void)
{
        const char *js = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (fstat(STDERR_FILENO, &st) < 0) {
                to_journal = false;
                return;
        }
        to_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
                     (unsigned long long)st.st_dev == dev &&
                     (unsigned long long)st.st_ino == ino;
        /* stderr leads nowhere (the drain a CGI hook execs after its
         * answer, whose stderr went to /dev/null with the connection):
         * journald's socket, when it is there */
        if (!to_journal && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
                to_journal = journal_available();
}

size_t log_escape(char *dst, size_t size, const char *src, bool field)
{
        const unsigned char *p = (const unsigned char *)src;
        size_t len = 0;

        if (size == 0)
                return 0;
        while (*p) {
                char e[9];
                size_t n;
                int step = 1;

                if (*p == '\n' || *p == '\r' || *p == '\t' || *p == '\\') {
                        e[0] = '\\';
                        e[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : *p == '\t' ? 't' : '\\';
                        e[2] = '\0';
                } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
                        /* a C1 control (CSI and friends) in UTF-8 */
                        snprintf(e, sizeof(e), "\\x%02x\\x%02x", p[0], p[1]);
                        step = 2;
                } else if (*p < 0x20 || *p == 0x7f || (field && *p == ' ')) {
                        snprintf(e, sizeof(e), "\\x%02x", *p);
                } else {
                        e[0] = (char)*p;
                        e[1] = '\0';
                }
                n = strlen(e);
                if (len + n >= size)
                        break;  /* cut before an escape, never inside it */
                memcpy(dst + len, e, n);
                len += n;
                p += step;
        }
        dst[len] = '\0';
        return len;
}

/* append " key=" and the escaped value, if it fits */
static size_t add_text(char *buf, size_t size, size_t len, const char *key, const char *value)
{
        size_t k = strlen(key);

        if (!value || len + k + 1 >= size)
                return len;
        memcpy(buf + len, key, k);
        len += k;
        return len + log_escape(buf + len, size - len, value, true);
}

size_t log_format_line(char *buf, size_t size, const char *msg, const struct log_ctx *ctx)
{
        size_t len;

        if (size < sizeof("redock: \n"))
                return 0;
        /* one byte kept for the newline */
        memcpy(buf, "redock: ", 8);
        len = 8 + log_escape(buf + 8, size - 9, msg, false);
        if (ctx) {
                len = add_text(buf, size - 1, len, " source=", ctx->source);
                len = add_text(buf, size - 1, len, " container=", ctx->container);
                len = add_text(buf, size - 1, len, " image=", ctx->image);
                len = add_text(buf, size - 1, len, " digest=", ctx->digest);
                len = add_text(buf, size - 1, len, " outcome=", ctx->outcome);
        }
        buf[len++] = '\n';
        buf[len] = '\0';
        return len;
}

static void add_field(struct iovec *iov, size_t *n, char *buf, size_t size,
                      const char *key, const char *value)
{
        if (!value)
                return;
        int len = snprintf(buf, size, "%s=%s", key, value);

        if (len < 0)
                return;
        iov[*n].iov_base = buf;
        /* a field longer than buf is cut, not dropped */
        iov[*n].iov_len = (size_t)len < size ? (size_t)len : size - 1;
        (*n)++;
}

void log_ctx(int prio, const struct log_ctx *ctx, const char *fmt, ...)
{
        char msg[LOG_MSG_MAX];
        char line[LOG_LINE_MAX];
        va_list ap;

        if (prio > LOG_MAX_PRIORITY)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (to_journal) {
                /* the native protocol carries any byte in a field */
                char f[8][sizeof(msg) + 64];
                struct iovec iov[8];
                char pri[16];
                size_t n = 0;

                snprintf(pri, sizeof(pri), "%d", prio);
                add_field(iov, &n, f[n], sizeof(f[0]), "MESSAGE", msg);
                add_field(iov, &n, f[n], sizeof(f[0]), "PRIORITY", pri);
                add_field(iov, &n, f[n], sizeof(f[0]), "SYSLOG_IDENTIFIER", "redock");
                if (ctx) {
                        add_field(iov, &n, f[n], sizeof(f[0]), "REDOCK_SOURCE", ctx->source);
                        add_field(iov, &n, f[n], sizeof(f[0]), "REDOCK_CONTAINER", ctx->container);
                        add_field(iov, &n, f[n], sizeof(f[0]), "REDOCK_IMAGE", ctx->image);
                        add_field(iov, &n, f[n], sizeof(f[0]), "REDOCK_DIGEST", ctx->digest);
                        add_field(iov, &n, f[n], sizeof(f[0]), "REDOCK_OUTCOME", ctx->outcome);
                }
                if (journal_sendv(iov, (int)n) >= 0)
                        return;
        }

        /* one line per call, whatever the strings hold: stderr may be a
         * journal stream or a file someone reads on a terminal */
        log_format_line(line, sizeof(line), msg, ctx);
        fputs(line, stderr);
}
