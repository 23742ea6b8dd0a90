/* state: redock's SQLite database: opening it, its migrations, the
 * history rows and the seen events.  The other tables' SQL is in their
 * own modules (holdstate.c, counters.c, pending.c, repos.c), and
 * historyprint.c prints the history.
 *
 * Several short-lived processes share the database (drains, redock
 * update, status and history; never the webhook), so it runs in WAL mode, where readers
 * never block the writer, with a busy timeout for writers queueing behind
 * each other.  Statements are prepared per call: each process makes a
 * handful of them, and it keeps struct state small.  Every value reaches
 * SQL through a bound parameter. */
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>   /* PATH_MAX */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fsutil.h"
#include "log.h"
#include "state.h"
#include "statesql.h"

#define DB_NAME         "redock.db"
#define BUSY_TIMEOUT_MS 5000
#define KEY_MAX         (IMAGE_REF_MAX + 8)

struct state {
        sqlite3 *db;
        char path[PATH_MAX];
};

/* migrations[v] takes the schema from user_version v to v + 1, and says
 * so itself, inside the same transaction.  Append; never edit one that
 * has shipped. */
static const char *const migrations[] = {
        "CREATE TABLE history(id INTEGER PRIMARY KEY, time INTEGER, source TEXT,"
        " event_id TEXT, target TEXT, kind TEXT, image TEXT, old_digest TEXT,"
        " new_digest TEXT, outcome TEXT, duration_ms INTEGER, error TEXT);"
        "CREATE INDEX history_target ON history(target, id);"
        "CREATE TABLE seen(source TEXT, key TEXT, time INTEGER,"
        " PRIMARY KEY(source, key)) WITHOUT ROWID;"
        "PRAGMA user_version = 1;",
        /* 2: an event id is a duplicate only for its own repository and
         * tag, and a digest only while it is the newest for its tag; the
         * job that claimed it may claim it again (a drain that died) */
        "DROP TABLE seen;"
        "CREATE TABLE seen_id(source TEXT, tag TEXT, event_id TEXT, job TEXT, time INTEGER,"
        " PRIMARY KEY(source, tag, event_id)) WITHOUT ROWID;"
        "CREATE TABLE seen_tag(source TEXT, tag TEXT, digest TEXT, job TEXT, time INTEGER,"
        " PRIMARY KEY(source, tag)) WITHOUT ROWID;"
        "PRAGMA user_version = 2;",
        /* 3: when to deploy.  held: jobs that wait (the job file is in
         * QUEUE.held/ meanwhile), one per source and tag.  first_seen:
         * when a digest was first seen, for min-age when the image's own
         * created time is not known (not seen_tag, which dedup-window
         * prunes).  refused: digests rolled back on a container, not
         * tried again by a push or poll */
        "CREATE TABLE held(job TEXT PRIMARY KEY, source TEXT, tag TEXT, digest TEXT,"
        " not_before INTEGER, reason TEXT, time INTEGER);"
        "CREATE UNIQUE INDEX held_tag ON held(source, tag);"
        "CREATE TABLE first_seen(image TEXT, digest TEXT, time INTEGER,"
        " PRIMARY KEY(image, digest)) WITHOUT ROWID;"
        "CREATE TABLE refused(target TEXT, digest TEXT, reason TEXT, time INTEGER,"
        " PRIMARY KEY(target, digest)) WITHOUT ROWID;"
        "PRAGMA user_version = 3;",
        /* 4: a tag policy moves a container to another tag: the
         * reference it ran before, NULL when it stayed on its own */
        "ALTER TABLE history ADD COLUMN old_image TEXT; PRAGMA user_version = 4;",
        /* 5: counters that outlive the pruned history (counters.c) */
        "CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID; PRAGMA user_version = 5;",
        /* 6: changes that wait for an operator's approval (pending.c);
         * AUTOINCREMENT: an id is never given twice, so an old approval
         * link never names another change */
        "CREATE TABLE pending(id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
        " source TEXT NOT NULL, registry TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL,"
        " to_ref TEXT NOT NULL, from_image TEXT, from_digest TEXT, to_digest TEXT NOT NULL,"
        " since INTEGER NOT NULL, state TEXT NOT NULL, decided INTEGER);"
        "CREATE INDEX pending_target ON pending(target, to_digest);"
        "CREATE INDEX pending_state ON pending(state, since);"
        "PRAGMA user_version = 6;",
        /* 7: Registrywatcher's settings per repository (repos.c): its
         * pin and auto-deploy, and what a pin moved, for reset */
        "CREATE TABLE repos(repo TEXT PRIMARY KEY, pinned_tag TEXT,"
        " auto_deploy INTEGER NOT NULL DEFAULT 1, time INTEGER) WITHOUT ROWID;"
        "CREATE TABLE repo_moved(repo TEXT, container TEXT, old_image TEXT, time INTEGER,"
        " PRIMARY KEY(repo, container)) WITHOUT ROWID;"
        "PRAGMA user_version = 7;",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* Log the connection's last error; every SQLite failure ends here. */
int state_fail(const struct state *st, const char *what)
{
        log_msg(LOG_ERR, "state %s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
        return -EIO;
}

static int query_int(struct state *st, const char *sql, long long *v)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, sql, &stmt);

        *v = 0;         /* scan-build cannot see that sql_prepare gives 0 or < 0 */
        if (r == 0 && sqlite3_step(stmt) != SQLITE_ROW)
                r = state_fail(st, sql);
        if (r == 0)
                *v = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return r;
}

/* SQLite would create the file 0644; create it first with our mode (the
 * -wal and -shm files then follow it).  This also turns a directory we
 * cannot write into a plain errno instead of an SQLite message. */
/* Create the database file with our mode, before SQLite would with its
 * own.  Only a new one: closing a descriptor of a file drops every POSIX
 * lock this process holds on it, so opening and closing one that another
 * connection of ours has open (an API request's drain while its handler
 * reads) took that connection's locks away, and SQLite said "database
 * disk image is malformed" (the page's reset did, every time). */
static int create_file(const char *path)
{
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0640);

        if (fd < 0)
                return errno == EEXIST ? 0 : -errno;
        close(fd);
        return 0;
}

static int set_journal_mode(struct state *st)
{
        struct timespec pause = { 0, 20 * 1000000L };
        sqlite3_stmt *stmt = NULL;
        const unsigned char *mode;
        int r = sql_prepare(st, "PRAGMA journal_mode = WAL", &stmt);
        int rc = SQLITE_BUSY;

        /* Switching a new database to WAL needs it to itself, and SQLite
         * answers SQLITE_BUSY at once rather than through the busy
         * timeout when another process opens it at the same moment (50
         * deliveries of one push do): try again, for up to 5 s. */
        for (int i = 0; r == 0 && i < 250; i++) {
                rc = sqlite3_step(stmt);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                        break;
                sqlite3_reset(stmt);
                nanosleep(&pause, NULL);
        }
        if (r == 0 && rc != SQLITE_ROW)
                r = state_fail(st, "PRAGMA journal_mode = WAL");
        if (r == 0) {
                mode = sqlite3_column_text(stmt, 0);
                /* e.g. a file system without shared memory: still correct,
                 * only readers and the writer now wait for each other */
                if (!mode || strcmp((const char *)mode, "wal") != 0)
                        log_msg(LOG_WARNING, "state %s: journal mode is %s, not wal",
                                st->path, mode ? (const char *)mode : "unknown");
        }
        sqlite3_finalize(stmt);
        return r;
}

/* Bring the schema to SCHEMA_VERSION.  IMMEDIATE takes the write lock up
 * front, so two processes opening a new database wait for each other
 * (through the busy timeout) instead of failing on a lock upgrade. */
static int migrate(struct state *st)
{
        long long v;
        int r = query_int(st, "PRAGMA user_version", &v);

        if (r < 0 || v == SCHEMA_VERSION)
                return r;
        r = sql_exec(st, "BEGIN IMMEDIATE");
        if (r < 0)
                return r;
        r = query_int(st, "PRAGMA user_version", &v);   /* someone else may have */
        if (r == 0 && v > SCHEMA_VERSION) {
                log_msg(LOG_ERR, "state %s: schema version %lld is newer than this redock's (%d)",
                        st->path, v, SCHEMA_VERSION);
                r = -EIO;
        }
        for (; r == 0 && v < SCHEMA_VERSION; v++)
                r = sql_exec(st, migrations[v]);
        if (r == 0)
                r = sql_exec(st, "COMMIT");
        if (r < 0)
                sql_rollback(st);
        return r;
}

int state_open(const char *state_dir, struct state **stp)
{
        struct state *st;
        int r;

        *stp = NULL;
        st = calloc(1, sizeof(*st));
        if (!st)
                return -ENOMEM;
        if (snprintf(st->path, sizeof(st->path), "%s/" DB_NAME, state_dir) >= (int)sizeof(st->path)) {
                r = -ENAMETOOLONG;
                goto out;
        }
        r = mkdir_p(state_dir, 0750);
        if (r == 0)
                r = create_file(st->path);
        if (r < 0) {
                log_msg(LOG_ERR, "state %s: %s", st->path, strerror(-r));
                goto out;
        }
        if (sqlite3_open_v2(st->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK) {
                r = state_fail(st, "open");
                goto out;
        }
        sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
        r = set_journal_mode(st);
        if (r == 0)
                r = sql_exec(st, "PRAGMA synchronous = NORMAL");
        if (r == 0)
                r = migrate(st);
out:
        if (r < 0) {
                state_close(st);
                return r;
        }
        *stp = st;
        return 0;
}

sqlite3 *state_db(struct state *st)
{
        return st->db;
}

void state_close(struct state *st)
{
        if (!st)
                return;
        sqlite3_close_v2(st->db);       /* NULL is a no-op */
        free(st);
}

/* "REGISTRY/REPOSITORY:TAG": what a delivery is about.  Event ids are
 * remembered per tag, as some formats give one id to a payload that
 * pushes several tags (Harbor's CloudEvents). */
static const char *tag_key(const struct push_event *ev, char *buf, size_t size)
{
        if (snprintf(buf, size, "%s/%s:%s", ev->registry, ev->repository, ev->tag) >= (int)size)
                return NULL;
        return buf;
}

/* The job that holds a claim, or "" when none is held within the window
 * (then *digest is "" too).  sql selects job[, digest]. */
static int claim_holder(struct state *st, const char *sql, const char *source, const char *tag,
                        const char *id, long long since, char *job, size_t jsize,
                        char *digest, size_t dsize)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r = sql_prepare(st, sql, &stmt);

        job[0] = '\0';
        if (digest)
                digest[0] = '\0';
        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, source);
        sql_bind_text(stmt, 2, tag);
        sqlite3_bind_int64(stmt, 3, since);
        if (id)
                sql_bind_text(stmt, 4, id);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
                snprintf(job, jsize, "%s", sql_col_text(stmt, 0) ?: "");
                if (digest)
                        snprintf(digest, dsize, "%s", sql_col_text(stmt, 1) ?: "");
        } else if (rc != SQLITE_DONE)
                r = state_fail(st, "looking up a claim");
        sqlite3_finalize(stmt);
        return r;
}

static int remember(struct state *st, const char *sql, const char *source, const char *tag,
                    const char *value, const char *job, long long now)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, sql, &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, source);
        sql_bind_text(stmt, 2, tag);
        sql_bind_text(stmt, 3, value);
        sql_bind_text(stmt, 4, job);
        sqlite3_bind_int64(stmt, 5, now);
        r = sql_step_done(st, stmt, "remembering a claim");
        sqlite3_finalize(stmt);
        return r;
}

/* Decide inside the caller's transaction; see state.h. */
static int claim_locked(struct state *st, const char *source, const struct push_event *ev,
                        const char *job, int window_s, enum event_claim *out)
{
        char tag[KEY_MAX], holder[NAME_MAX + 1], newest[DIGEST_MAX];
        long long now = time(NULL), since = now - window_s;
        int r;

        *out = EVENT_NEW;
        if (!tag_key(ev, tag, sizeof(tag)))
                return -ENAMETOOLONG;
        if (ev->event_id[0]) {
                r = claim_holder(st, "SELECT job FROM seen_id WHERE source = ?1 AND tag = ?2"
                                 " AND time >= ?3 AND event_id = ?4", source, tag, ev->event_id,
                                 since, holder, sizeof(holder), NULL, 0);
                if (r < 0)
                        return r;
                if (holder[0] && strcmp(holder, job) != 0) {
                        *out = EVENT_REDELIVERED;
                        return 0;
                }
                r = remember(st, "INSERT INTO seen_id(source, tag, event_id, job, time)"
                             " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(source, tag, event_id)"
                             " DO UPDATE SET job = excluded.job, time = excluded.time",
                             source, tag, ev->event_id, job, now);
                if (r < 0)
                        return r;
        }
        if (!ev->digest[0])
                return 0;
        r = claim_holder(st, "SELECT job, digest FROM seen_tag WHERE source = ?1 AND tag = ?2"
                         " AND time >= ?3", source, tag, NULL, since, holder, sizeof(holder),
                         newest, sizeof(newest));
        if (r < 0)
                return r;
        if (holder[0] && strcmp(holder, job) != 0 && strcmp(newest, ev->digest) == 0) {
                /* the claim on the newest digest stays with its first job */
                *out = EVENT_SAME_DIGEST;
                return 0;
        }
        return remember(st, "INSERT INTO seen_tag(source, tag, digest, job, time)"
                        " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(source, tag)"
                        " DO UPDATE SET digest = excluded.digest, job = excluded.job,"
                        " time = excluded.time", source, tag, ev->digest, job, now);
}

/* One write transaction, so that of several drains taking deliveries of
 * one event at once exactly one claims it. */
int state_event_claim(struct state *st, const char *source, const struct push_event *ev,
                      const char *job, int window_s)
{
        enum event_claim c = EVENT_NEW;
        int r;

        if (window_s <= 0)
                return EVENT_NEW;
        r = sql_exec(st, "BEGIN IMMEDIATE");
        if (r == 0)
                r = claim_locked(st, source ? source : "", ev, job, window_s, &c);
        if (r == 0)
                r = sql_exec(st, "COMMIT");
        if (r < 0) {
                sql_rollback(st);
                return r;
        }
        return (int)c;
}

int state_event_forget(struct state *st, const char *source, const struct push_event *ev,
                       const char *job)
{
        char tag[KEY_MAX];
        static const char *const sql[] = {
                "DELETE FROM seen_id WHERE source = ?1 AND tag = ?2 AND job = ?3",
                "DELETE FROM seen_tag WHERE source = ?1 AND tag = ?2 AND job = ?3",
        };
        int r = 0;

        if (!tag_key(ev, tag, sizeof(tag)))
                return -ENAMETOOLONG;
        for (size_t i = 0; r == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
                sqlite3_stmt *stmt = NULL;

                r = sql_prepare(st, sql[i], &stmt);
                if (r == 0) {
                        sql_bind_text(stmt, 1, source ? source : "");
                        sql_bind_text(stmt, 2, tag);
                        sql_bind_text(stmt, 3, job);
                        r = sql_step_done(st, stmt, "forgetting an event");
                }
                sqlite3_finalize(stmt);
        }
        return r;
}

int state_record(struct state *st, const struct history_row *row)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "INSERT INTO history(time, source, event_id, target, kind, image,"
                            " old_digest, new_digest, outcome, duration_ms, error, old_image)"
                            " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", &stmt);

        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, row->time ? row->time : (long long)time(NULL));
        sql_bind_text(stmt, 2, row->source);
        sql_bind_text(stmt, 3, row->event_id);
        sql_bind_text(stmt, 4, row->target);
        sql_bind_text(stmt, 5, row->kind);
        sql_bind_text(stmt, 6, row->image);
        sql_bind_text(stmt, 7, row->old_digest);
        sql_bind_text(stmt, 8, row->new_digest);
        sql_bind_text(stmt, 9, row->outcome);
        sqlite3_bind_int64(stmt, 10, row->duration_ms);
        sql_bind_text(stmt, 11, row->error);
        sql_bind_text(stmt, 12, row->old_image);
        r = sql_step_done(st, stmt, "recording history");
        sqlite3_finalize(stmt);
        return r;
}

/* update.c's update_outcome_name, then swarm.c's own (test_state checks
 * the first part against update_outcome_name). */
const char *const state_outcomes[] = { "updated", "unchanged", "rolled-back", "failed", "skipped",
                                       "available", "monitor-only", "dry-run", NULL };

/* Every row sql selects (the columns HISTORY_COLUMNS names, in that
 * order) to fn, in the statement's order; what names the read for an
 * error. */
#define HISTORY_COLUMNS "time, source, event_id, target, kind, image, old_digest, new_digest," \
                        " outcome, duration_ms, error"
static int each_history_row(struct state *st, const char *sql, const char *what,
                            int (*fn)(const struct history_row *row, void *userdata), void *userdata)
{
        sqlite3_stmt *stmt = NULL;
        int rc = SQLITE_DONE, r;

        r = sql_prepare(st, sql, &stmt);
        if (r < 0)
                return r;
        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                const struct history_row row = {
                        .time = sqlite3_column_int64(stmt, 0), .source = sql_col_text(stmt, 1),
                        .event_id = sql_col_text(stmt, 2), .target = sql_col_text(stmt, 3),
                        .kind = sql_col_text(stmt, 4), .image = sql_col_text(stmt, 5),
                        .old_digest = sql_col_text(stmt, 6), .new_digest = sql_col_text(stmt, 7),
                        .outcome = sql_col_text(stmt, 8), .duration_ms = sqlite3_column_int64(stmt, 9),
                        .error = sql_col_text(stmt, 10),
                };
                r = fn(&row, userdata);
        }
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, what);
        sqlite3_finalize(stmt);
        return r;
}

int state_each_target(struct state *st, int (*fn)(const struct history_row *row, void *userdata),
                      void *userdata)
{
        /* the newest row of each target: ids only grow */
        return each_history_row(st, "SELECT " HISTORY_COLUMNS " FROM history WHERE id IN"
                                " (SELECT MAX(id) FROM history GROUP BY target) ORDER BY kind, target",
                                "reading the last outcomes", fn, userdata);
}

int state_last_outcome(struct state *st, const char *target, char *outcome, size_t size,
                       long long *when)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r;

        if (size)
                outcome[0] = '\0';
        if (when)
                *when = 0;
        r = sql_prepare(st, "SELECT outcome, time FROM history WHERE target = ?1"
                        " ORDER BY id DESC LIMIT 1", &stmt);
        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, target);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
                const char *o = sql_col_text(stmt, 0);
                if (size)
                        snprintf(outcome, size, "%s", o ? o : "");
                if (when)
                        *when = sqlite3_column_int64(stmt, 1);
        } else if (rc != SQLITE_DONE) {
                r = state_fail(st, "reading the last outcome");
        }
        sqlite3_finalize(stmt);
        return r;
}

static int prune_seen(struct state *st, int max_age_s)
{
        sqlite3_stmt *stmt = NULL;
        int r = 0;

        if (max_age_s <= 0)
                return 0;
        for (int i = 0; r == 0 && i < 2; i++) {
                r = sql_prepare(st, i == 0 ? "DELETE FROM seen_id WHERE time < ?1"
                                       : "DELETE FROM seen_tag WHERE time < ?1", &stmt);
                if (r < 0)
                        return r;
                sqlite3_bind_int64(stmt, 1, (sqlite3_int64)time(NULL) - max_age_s);
                r = sql_step_done(st, stmt, "pruning seen events");
                sqlite3_finalize(stmt);
        }
        return r;
}

static int prune_history(struct state *st, int keep_rows)
{
        sqlite3_stmt *stmt = NULL;
        int r;

        if (keep_rows <= 0)
                return 0;
        /* the (keep+1)-th newest id, or NULL, which deletes nothing */
        r = sql_prepare(st, "DELETE FROM history WHERE id <= (SELECT id FROM history"
                        " ORDER BY id DESC LIMIT 1 OFFSET ?1)", &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_int(stmt, 1, keep_rows);
        r = sql_step_done(st, stmt, "pruning history");
        sqlite3_finalize(stmt);
        return r;
}

/* A limit of 0 or less leaves that table alone. */
int state_prune(struct state *st, int max_age_s, int keep_rows)
{
        int r = sql_exec(st, "BEGIN IMMEDIATE");

        if (r == 0)
                r = prune_seen(st, max_age_s);
        if (r == 0)
                r = prune_history(st, keep_rows);
        if (r == 0)
                r = sql_exec(st, "COMMIT");
        if (r < 0)
                sql_rollback(st);
        return r;
}

int state_each_row(struct state *st, int (*fn)(const struct history_row *row, void *userdata), void *userdata)
{
        return each_history_row(st, "SELECT " HISTORY_COLUMNS " FROM history ORDER BY id", "reading the history",
                                fn, userdata);
}
