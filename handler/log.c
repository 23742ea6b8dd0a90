/* log: journald or stderr. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"

static bool to_journal;
static int max_priority = LOG_INFO;

/* systemd sets JOURNAL_STREAM=dev:inode for a stderr it connected to the
 * journal; only trust it when stderr is still that very stream. */
void log_init(void)
{
        const char *js = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        to_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
                     fstat(STDERR_FILENO, &st) == 0 &&
                     (unsigned long long)st.st_dev == dev &&
                     (unsigned long long)st.st_ino == ino;
}

void log_set_max_priority(int prio)
{
        max_priority = prio;
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
        char msg[2048];
        va_list ap;

        if (prio > max_priority)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);

        if (to_journal) {
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
                if (sd_journal_sendv(iov, (int)n) >= 0)
                        return;
        }

        fprintf(stderr, "redock: %s", msg);
        if (ctx) {
                if (ctx->source)
                        fprintf(stderr, " source=%s", ctx->source);
                if (ctx->container)
                        fprintf(stderr, " container=%s", ctx->container);
                if (ctx->image)
                        fprintf(stderr, " image=%s", ctx->image);
                if (ctx->digest)
                        fprintf(stderr, " digest=%s", ctx->digest);
                if (ctx->outcome)
                        fprintf(stderr, " outcome=%s", ctx->outcome);
        }
        fputc('\n', stderr);
}
