/* log: journald with structured fields when stderr is the journal,
 * plain lines on stderr otherwise.  Secrets never go through here. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* a message is cut at LOG_MSG_MAX - 1 bytes; its stderr line, escaped
 * (at most 4 bytes per byte) and with its fields, at LOG_LINE_MAX - 1 */
#define LOG_MSG_MAX 2048
#define LOG_LINE_MAX (4 * LOG_MSG_MAX + 4096)

/* Structured context of a log line; NULL members are left out. */
struct log_ctx {
        const char *source;     /* REDOCK_SOURCE= */
        const char *container;  /* REDOCK_CONTAINER= */
        const char *image;      /* REDOCK_IMAGE= */
        const char *digest;     /* REDOCK_DIGEST= */
        const char *outcome;    /* REDOCK_OUTCOME= */
};

/* Decide where lines go: journald when stderr is its stream
 * ($JOURNAL_STREAM), or when stderr is /dev/null (CGI mode after the
 * answer, and the drain the hook execs then) and journald's socket is
 * there; else stderr.  Call again after stderr changed. */
void log_init(void);

/* SRC into DST (SIZE > 0, always terminated) with control characters,
 * backslash and UTF-8 C1 controls escaped (\n, \r, \t, \\, \xHH), and
 * with FIELD also space: the text of one stderr line, which
 * cannot end that line or fake another line, priority or field.  Cut
 * before an escape that would not fit.  Returns the length written. */
size_t log_escape(char *dst, size_t size, const char *src, bool field);

/* The stderr line for MSG and CTX: "redock: MSG key=value...\n", every
 * part escaped.  Returns its length (0 when SIZE is too small). */
size_t log_format_line(char *buf, size_t size, const char *msg, const struct log_ctx *ctx);

void log_ctx(int prio, const struct log_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_msg(prio, ...) log_ctx((prio), NULL, __VA_ARGS__)
