/* state: what redock decided and saw, in SQLite (WAL, busy timeout).
 *
 *   history   one row per decision on a container or service
 *   seen_id   event ids per repository and tag, with the job that
 *             claimed them: a registry's retry is processed once
 *   seen_tag  the newest digest per tag and its job (both pruned by
 *             dedup-window)
 *   held, first_seen, refused  when to deploy (holdstate.c keeps their SQL)
 *   counters  totals that outlive the history (counters.c)
 *   pending   changes that wait for approval (pending.c keeps its SQL)
 *   repos, repo_moved  the API's pins and auto-deploy (repos.h keeps their SQL)
 *
 * The database is STATE_DIR/redock.db.  historyprint.h prints the
 * history; statesql.h has the SQL steps the modules share. */
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
        const char *image;              /* reference it follows (moves to, under a tag policy) */
        const char *old_image;          /* the reference it ran, when it moved to another; NULL */
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

/* For the modules that keep their own tables in the same database (their
 * CREATE TABLE is a migration in state.c): the connection, and the one
 * way to log a failure on it (returns -EIO).  statesql.h has the steps
 * they share. */
struct sqlite3;
struct sqlite3 *state_db(struct state *st);
int state_fail(const struct state *st, const char *what);

/* What the drain makes of a job it takes from the queue. */
enum event_claim {
        EVENT_NEW = 0,          /* claimed by this job: act on it */
        EVENT_REDELIVERED,      /* the same event id for the same repository
                                 * and tag, claimed by another job: drop it */
        EVENT_SAME_DIGEST,      /* another delivery of the digest that is still
                                 * the newest seen for its tag: act only where
                                 * a container does not run it yet */
};

/* Claim a queued job's event for duplicate detection, in one write
 * transaction (of several drains, exactly one claims an event).  job is
 * the job's file name: the job that made a claim may make it again (its
 * drain died before finishing it).  Claims older than window_s seconds
 * do not count; a window of 0 or less claims everything and records
 * nothing.  Returns an enum event_claim, or -errno. */
int state_event_claim(struct state *st, const char *source, const struct push_event *ev,
                      const char *job, int window_s);

/* Drop the claims that job made, so a later delivery of the same push is
 * acted on: its update failed, and a redelivery is a chance to retry. */
int state_event_forget(struct state *st, const char *source, const struct push_event *ev,
                       const char *job);

/* Append a history row. */
int state_record(struct state *st, const struct history_row *row);

/* The outcomes a decision is recorded with (update_outcome_name's and
 * the Swarm code's), NULL-ended: `history --outcome` takes these. */
extern const char *const state_outcomes[];
#define HISTORY_OUTCOMES_MAX 8

/* Call fn with the newest row of each target, services after containers,
 * by name (strings valid during the call); a non-zero return from fn
 * stops and is returned.  For `redock status` while Docker is away. */
int state_each_target(struct state *st, int (*fn)(const struct history_row *row, void *userdata),
                      void *userdata);

/* Every history row, oldest first, as state_each_target gives them: what
 * the metrics count.  The history is pruned (state_prune), so this stays
 * bounded. */
int state_each_row(struct state *st, int (*fn)(const struct history_row *row, void *userdata), void *userdata);

/* The last outcome recorded for target: fills outcome/time (outcome ""
 * when none).  For `redock status`. */
int state_last_outcome(struct state *st, const char *target, char *outcome, size_t size,
                       long long *time);

/* Drop claims older than max_age_s (the dedup window) and history beyond
 * keep rows. */
int state_prune(struct state *st, int max_age_s, int keep_rows);
