/* state: what redock decided and saw, in SQLite (WAL, busy timeout).
 *
 *   history   one row per decision on a container or service
 *   seen      event ids and repository+tag+digest already queued, so
 *             registry retries are processed once (pruned by age)
 *
 * The database is STATE_DIR/redock.db. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "event.h"

struct state;

struct history_row {
        long long time;                 /* unix seconds; 0 = now */
        const char *source;             /* may be NULL (redock update) */
        const char *event_id;           /* may be NULL */
        const char *target;             /* container or service name */
        const char *kind;               /* "container" or "service" */
        const char *image;              /* reference it follows */
        const char *old_digest;         /* may be NULL */
        const char *new_digest;         /* may be NULL */
        const char *outcome;            /* "updated", "unchanged", "rolled-back", "failed", ... */
        long long duration_ms;
        const char *error;              /* may be NULL */
};

/* Open (creating as needed) STATE_DIR/redock.db.  Returns 0 or -errno
 * (-EIO for an SQLite error, logged). */
int state_open(const char *state_dir, struct state **st);
void state_close(struct state *st);

/* Was this push already accepted?  (A window of 0 or less: never.)  True when an event with the same
 * source and non-empty event id, or the same source, registry, repository,
 * tag and non-empty digest, was marked within window_s seconds.  Returns
 * 1 seen, 0 not seen, -errno. */
int state_event_seen(struct state *st, const char *source, const struct push_event *ev, int window_s);

/* Remember that this push was accepted (after it was queued). */
int state_event_mark(struct state *st, const char *source, const struct push_event *ev);

/* Seen-check and mark in one transaction: 1 when this call claimed the
 * event (it was not seen within window_s), 0 for a duplicate, -errno.
 * A window of 0 or less claims every event. */
int state_event_claim(struct state *st, const char *source, const struct push_event *ev, int window_s);

/* Undo a claim whose event could not be queued, so the registry's retry
 * is not taken for a duplicate. */
int state_event_forget(struct state *st, const char *source, const struct push_event *ev);

/* Append a history row. */
int state_record(struct state *st, const struct history_row *row);

/* Print the newest limit rows (all when limit <= 0), newest first: a
 * table with a header line, or with json=true one JSON object per line. */
int state_print_history(struct state *st, FILE *out, int limit, bool json);

/* The last outcome recorded for target: fills outcome/time (outcome ""
 * when none).  For `redock status`. */
int state_last_outcome(struct state *st, const char *target, char *outcome, size_t size,
                       long long *time);

/* Drop seen-event rows older than max_age_s and history beyond keep rows. */
int state_prune(struct state *st, int max_age_s, int keep_rows);
