/* queue: the durable spool between "accepted" and "done".
 *
 * One file per push event.  A job is written to a temporary file, synced,
 * renamed into the queue and the directory synced, all before the 202 is
 * sent (temporary files in DIR.tmp, never in the queue itself): an
 * accepted event survives a crash or a power cut.  A job is
 * removed only after its outcome was decided. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "event.h"

struct job {
        char name[NAME_MAX + 1];        /* file name in the queue */
        char source[SOURCE_NAME_MAX + 1];
        struct push_event ev;
        long long received;             /* unix time */
};

/* Write one job per event, durably.  Returns the number written or -errno
 * (then none of them may be relied on, and the caller answers 5xx). */
int queue_push(const char *dir, const char *source, const struct event_list *events);

/* Job file names, oldest first; free with queue_names_free(). */
int queue_list(const char *dir, char ***names, size_t *n);
void queue_names_free(char **names, size_t n);

/* Read one job.  -EBADMSG when the file is not a job (it is then moved
 * aside to DIR.bad/ so it does not block the queue), -ENOENT when another
 * drain took it meanwhile. */
int queue_read(const char *dir, const char *name, struct job *job);

int queue_remove(const char *dir, const char *name);

/* Take the drain lock (a file in state_dir, never in the queue itself, or
 * the queue would never look empty to its path unit).  wait=false returns
 * -EWOULDBLOCK when another process holds it; a waiting call returns
 * -EINTR when asked to stop.  Returns an fd to close. */
int queue_lock(const char *state_dir, bool wait);

/* Remove temporary files older than a minute that a crash left behind. */
void queue_clean_stale(const char *dir);
