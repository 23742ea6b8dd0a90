/* holdstate: the held, first_seen and refused tables (see holdstate.h).
 * Every value reaches SQL through a bound parameter. */
#include <stdio.h>
#include <time.h>

#include "holdstate.h"
#include "statesql.h"

int state_first_seen(struct state *st, const char *image, const char *digest, long long now,
                     long long *first)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "INSERT INTO first_seen(image, digest, time) VALUES(?1, ?2, ?3)"
                            " ON CONFLICT(image, digest) DO UPDATE SET time = time RETURNING time", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, image);
        sql_bind_text(stmt, 2, digest);
        sqlite3_bind_int64(stmt, 3, now);
        if (sqlite3_step(stmt) == SQLITE_ROW)
                *first = sqlite3_column_int64(stmt, 0);
        else
                r = state_fail(st, "remembering a digest");
        sqlite3_finalize(stmt);
        return r;
}

int state_hold(struct state *st, const struct held_row *row, char *replaced, size_t size)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_exec(st, "BEGIN IMMEDIATE");

        replaced[0] = '\0';
        if (r < 0)
                return r;
        r = sql_prepare(st, "SELECT job FROM held WHERE source = ?1 AND tag = ?2 AND job != ?3", &stmt);
        if (r == 0) {
                int rc;

                sql_bind_text(stmt, 1, row->source);
                sql_bind_text(stmt, 2, row->tag);
                sql_bind_text(stmt, 3, row->job);
                rc = sqlite3_step(stmt);
                if (rc == SQLITE_ROW)
                        snprintf(replaced, size, "%s", sql_col_text(stmt, 0) ?: "");
                else if (rc != SQLITE_DONE)
                        r = state_fail(st, "looking up a held job");
        }
        sqlite3_finalize(stmt);
        stmt = NULL;
        if (r == 0)
                r = sql_prepare(st, "INSERT OR REPLACE INTO held(job, source, tag, digest, not_before, reason, time)"
                                " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &stmt);
        if (r == 0) {
                sql_bind_text(stmt, 1, row->job);
                sql_bind_text(stmt, 2, row->source);
                sql_bind_text(stmt, 3, row->tag);
                sql_bind_text(stmt, 4, row->digest);
                sqlite3_bind_int64(stmt, 5, row->not_before);
                sql_bind_text(stmt, 6, row->reason);
                sqlite3_bind_int64(stmt, 7, row->time ? row->time : (long long)time(NULL));
                r = sql_step_done(st, stmt, "holding a job");
        }
        sqlite3_finalize(stmt);
        if (r == 0)
                r = sql_exec(st, "COMMIT");
        if (r < 0)
                sql_rollback(st);
        return r;
}

int state_unhold(struct state *st, const char *job)
{
        return sql_exec_text(st, "DELETE FROM held WHERE job = ?1", job, "releasing a held job");
}

int state_release_held(struct state *st, const char *tag_prefix, long long held_from, long long now, size_t *n)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "UPDATE held SET not_before = ?1 WHERE not_before >= ?2"
                            " AND substr(tag, 1, length(?3)) = ?3", &stmt);

        *n = 0;
        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, now);
        sqlite3_bind_int64(stmt, 2, held_from);
        sql_bind_text(stmt, 3, tag_prefix);
        r = sql_step_done(st, stmt, "releasing held jobs");
        if (r == 0)
                *n = (size_t)sqlite3_changes(state_db(st));
        sqlite3_finalize(stmt);
        return r;
}

int state_each_held(struct state *st, long long due_by, int (*fn)(const struct held_row *row, void *userdata),
                    void *userdata)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r = sql_prepare(st, "SELECT job, source, tag, digest, not_before, reason, time FROM held"
                                " WHERE ?1 = 0 OR not_before <= ?1 ORDER BY not_before, job", &stmt);

        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, due_by);
        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                const struct held_row row = {
                        .job = sql_col_text(stmt, 0), .source = sql_col_text(stmt, 1), .tag = sql_col_text(stmt, 2),
                        .digest = sql_col_text(stmt, 3), .not_before = sqlite3_column_int64(stmt, 4),
                        .reason = sql_col_text(stmt, 5), .time = sqlite3_column_int64(stmt, 6),
                };
                r = fn(&row, userdata);
        }
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, "listing held jobs");
        sqlite3_finalize(stmt);
        return r;
}

int state_refuse(struct state *st, const char *target, const char *digest, const char *reason)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "INSERT OR REPLACE INTO refused(target, digest, reason, time)"
                            " VALUES(?1, ?2, ?3, ?4)", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, target);
        sql_bind_text(stmt, 2, digest);
        sql_bind_text(stmt, 3, reason);
        sqlite3_bind_int64(stmt, 4, (long long)time(NULL));
        r = sql_step_done(st, stmt, "refusing a digest");
        sqlite3_finalize(stmt);
        return r;
}

int state_refused(struct state *st, const char *target, const char *digest, char *reason, size_t size,
                  long long *when)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r = sql_prepare(st, "SELECT reason, time FROM refused WHERE target = ?1 AND digest = ?2", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, target);
        sql_bind_text(stmt, 2, digest);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
                snprintf(reason, size, "%s", sql_col_text(stmt, 0) ?: "");
                *when = sqlite3_column_int64(stmt, 1);
                r = 1;
        } else if (rc != SQLITE_DONE) {
                r = state_fail(st, "looking up a refused digest");
        }
        sqlite3_finalize(stmt);
        return r;
}

int state_refused_clear(struct state *st, const char *target)
{
        return sql_exec_text(st, "DELETE FROM refused WHERE target = ?1", target, "forgetting refused digests");
}

int state_each_refused(struct state *st, int (*fn)(const char *target, const char *digest,
                                                   const char *reason, long long when, void *userdata),
                       void *userdata)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r = sql_prepare(st, "SELECT target, digest, reason, time FROM refused ORDER BY target, time", &stmt);

        if (r < 0)
                return r;
        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
                r = fn(sql_col_text(stmt, 0), sql_col_text(stmt, 1), sql_col_text(stmt, 2),
                       sqlite3_column_int64(stmt, 3), userdata);
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, "listing refused digests");
        sqlite3_finalize(stmt);
        return r;
}
