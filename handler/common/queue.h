/* queue: the durable spool between "accepted" and "done".
 *
 * One file per push event.  A job is written to a temporary file, synced,
 * renamed into the queue and the directory synced, all before the 202 is
 * sent (temporary files in DIR.tmp, never in the queue itself): an
 * accepted event survives a crash or a power cut.  A job is
 * removed only after its outcome was decided. */
#pragma once

#include <linux/limits.h>        /* NAME_MAX (with -Ihandler, <limits.h> is ours) */
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

/* Count the entries of dir and their bytes, until either passes its
 * max (the counts then stop there).  0 or -errno. */
int queue_usage(const char *dir, long max_jobs, long long max_bytes, long *jobs, long long *bytes);

/* Job file names, oldest first; free with queue_names_free(). */
int queue_list(const char *dir, char ***names, size_t *n);
void queue_names_free(char **names, size_t n);

/* Read one job, for the queue and split mode's inbox alike: the file
 * is taken as written by an attacker.  It is opened without following a
 * symbolic link and without blocking, and must be a regular file of one
 * link and at most JOB_FILE_MAX bytes; its JSON must be exactly what
 * queue_push writes, every field valid (job_parse).  Returns 0, -ENOENT
 * when another drain took it meanwhile, or another -errno (see
 * queue_read_strerror) when it is not a job: it is then moved aside to
 * DIR.bad/ so it does not block the queue. */
int queue_read(const char *dir, const char *name, struct job *job);

/* queue_read without moving anything: the caller decides. */
int queue_read_job(const char *dir, const char *name, struct job *job);

/* Why queue_read refused a file, in words ("a symbolic link", ...). */
const char *queue_read_strerror(int r);

/* Parse a job file's text of len bytes (no I/O; the fuzz harness and
 * queue_read share it).  name is the job's file name.  Returns 0 with
 * job filled, -EFBIG past JOB_FILE_MAX, -EBADMSG for anything else than
 * one flat object of the version-1 members, each valid. */
int job_parse(const char *buf, size_t len, const char *name, struct job *job);

/* Move DIR/NAME (any kind of entry) to DIR.bad/, or remove it when it
 * cannot be moved.  Returns 0 moved, 1 removed, -errno when it is still
 * there (logged). */
int queue_move_aside(const char *dir, const char *name);

int queue_remove(const char *dir, const char *name);

/* A job that waits (min-age, window) leaves the queue for DIR.held/ (so
 * the drain path unit does not fire for it) and comes back when its time
 * comes: renames, so it is in one place or the other, never both, never
 * neither.  queue_drop_held removes a held job a newer push superseded.
 * 0 or -errno (-ENOENT: not there). */
int queue_hold(const char *dir, const char *name);
int queue_release(const char *dir, const char *name);
int queue_drop_held(const char *dir, const char *name);

/* Take the drain lock (a file in state_dir, never in the queue itself, or
 * the queue would never look empty to its path unit).  wait=false returns
 * -EWOULDBLOCK when another process holds it; a waiting call returns
 * -EINTR when asked to stop.  Returns an fd to close. */
int queue_lock(const char *state_dir, bool wait);

/* Remove temporary files older than a minute that a crash left behind. */
void queue_clean_stale(const char *dir);
