/* lifecycle: pre-update and post-update commands, run inside a
 * container through the exec API, with a timeout. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "docker.h"

/* the newest bytes of a command's output that are kept: a command that
 * writes megabytes costs no more than this */
#define LIFECYCLE_OUTPUT_KEEP 2048
/* how many of its last lines a failure's log line shows */
#define LIFECYCLE_OUTPUT_LINES 5

/* What a command wrote, stdout and stderr as Docker delivers them (two
 * streams: their relative order is Docker's), the newest
 * LIFECYCLE_OUTPUT_KEEP bytes, and the state of the frame being read from
 * Docker's multiplexed stream. */
struct lifecycle_output {
        char buf[LIFECYCLE_OUTPUT_KEEP];
        size_t len;                     /* bytes in buf, the newest last */
        bool cut;                       /* older output was dropped */
        unsigned char hdr[8];           /* the frame header being read */
        size_t hdr_len;
        size_t left;                    /* payload bytes of this frame still to come */
        bool raw;                       /* not a multiplexed stream: all of it is output */
};

/* Feed N bytes of Docker's attach stream (8-byte frame headers: stream,
 * 0, 0, 0, size big-endian; then size bytes), split anywhere. */
void lifecycle_output_feed(struct lifecycle_output *o, const char *p, size_t n);

/* The last LIFECYCLE_OUTPUT_LINES lines of it into DST (SIZE > 0, always
 * terminated), joined by '\n', without the final newline; starting with
 * "..." when older output is left out; "" when it wrote nothing. */
void lifecycle_output_tail(const struct lifecycle_output *o, char *dst, size_t size);

/* Run "sh -c cmd" in the running container id and wait up to timeout_s
 * (at least 1).  Its output goes to out (may be NULL).  Returns its exit
 * code (>= 0), -ETIMEDOUT when it did not finish (it is left running:
 * the exec API cannot stop it), or -EIO. */
int lifecycle_exec(struct docker *d, const char *id, const char *cmd, int timeout_s,
                   struct lifecycle_output *out);

struct hook_timeout;

/* lifecycle_exec for the WHAT command ("pre-update", "post-update") of
 * container NAME, telling the log: a timeout label not used as written
 * (warning), the timeout and where it came from (info), and when the
 * command fails (not 0, nor SKIP_CODE when that is >= 0) what happened,
 * THEN (e.g. "; the update stands", may be ""), and its last lines.
 * Returns what lifecycle_exec returns. */
int lifecycle_run(struct docker *d, const char *id, const char *name, const char *what,
                  const char *cmd, const struct hook_timeout *t, int skip_code, const char *then);
