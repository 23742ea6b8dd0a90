/* holdstate: what redock keeps to decide when to deploy, in its database
 * (the tables are state.c's migration 3; hold.c decides from them):
 *
 *   held        jobs waiting for min-age or a window (their files in
 *               QUEUE.held/), one per source and tag
 *   first_seen  when each digest was first seen: min-age's fallback when
 *               the image's created time is not known
 *   refused     digests rolled back on a container: not tried again
 *
 * The names keep their state_ prefix: they were state.c's, and the
 * callers only changed their #include. */
#pragma once

#include <stddef.h>

#include "state.h"

/* When digest of image ("REGISTRY/REPOSITORY") was first seen: now, the
 * first time it is asked for.  0 or -errno. */
int state_first_seen(struct state *st, const char *image, const char *digest, long long now,
                     long long *first);

struct held_row {
        const char *job;                /* its file name (in QUEUE.held/) */
        const char *source;
        const char *tag;                /* "REGISTRY/REPOSITORY:TAG" */
        const char *digest;             /* may be NULL */
        long long not_before;           /* unix seconds */
        const char *reason;
        long long time;                 /* when it was held; 0 = now */
};

/* Record row (again: a job held a second time gets its new time).  An
 * older job held for the same source and tag is dropped from the table,
 * its name put in replaced ("" none): the caller removes its file, as the
 * newer push supersedes it.  0 or -errno. */
int state_hold(struct state *st, const struct held_row *row, char *replaced, size_t size);
int state_unhold(struct state *st, const char *job);

/* Make the held jobs whose tag starts with tag_prefix and whose
 * not_before is at or after held_from due at now (the drain then takes
 * them up); *n: how many.  0 or -errno. */
int state_release_held(struct state *st, const char *tag_prefix, long long held_from, long long now, size_t *n);

/* Call fn for each held job, earliest first; with due_by > 0 only those
 * whose not_before is at or before it.  A non-zero return from fn stops
 * and is returned. */
int state_each_held(struct state *st, long long due_by, int (*fn)(const struct held_row *row, void *userdata),
                    void *userdata);

/* A digest rolled back on target (container name) is refused from then
 * on, until state_refused_clear (redock update --force, or a successful
 * update of another digest). */
int state_refuse(struct state *st, const char *target, const char *digest, const char *reason);
/* 1 with reason and *when filled when refused, 0 when not, -errno. */
int state_refused(struct state *st, const char *target, const char *digest, char *reason, size_t size,
                  long long *when);
int state_refused_clear(struct state *st, const char *target);
int state_each_refused(struct state *st, int (*fn)(const char *target, const char *digest,
                                                   const char *reason, long long when, void *userdata),
                       void *userdata);
