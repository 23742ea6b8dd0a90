/* log: journald with structured fields when stderr is the journal,
 * plain lines on stderr otherwise.  Secrets never go through here. */
#pragma once

#include <syslog.h>

/* Structured context of a log line; NULL members are left out. */
struct log_ctx {
        const char *source;     /* REDOCK_SOURCE= */
        const char *container;  /* REDOCK_CONTAINER= */
        const char *image;      /* REDOCK_IMAGE= */
        const char *digest;     /* REDOCK_DIGEST= */
        const char *outcome;    /* REDOCK_OUTCOME= */
};

/* Decide once whether stderr is connected to journald ($JOURNAL_STREAM). */
void log_init(void);

/* Lines below this priority are dropped (default LOG_INFO). */
void log_set_max_priority(int prio);

void log_ctx(int prio, const struct log_ctx *ctx, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_msg(prio, ...) log_ctx((prio), NULL, __VA_ARGS__)
