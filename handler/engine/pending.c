/* pending: the approvals table's SQL (the table is state.c's migration 5).
 * Every value reaches SQL through a bound parameter. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "pending.h"
#include "statesql.h"
#include "strutil.h"

#define COLUMNS "id, target, source, registry, repository, tag, to_ref, from_image, from_digest, to_digest," \
                " since, state"

static const char *col(sqlite3_stmt *stmt, int i)
{
        const unsigned char *s = sqlite3_column_text(stmt, i);

        return s ? (const char *)s : "";
}

/* One row of COLUMNS into *it.  A value too long for its field (written
 * by another version, say) is cut, never overrun. */
static void row_of(sqlite3_stmt *stmt, struct pending_item *it)
{
        memset(it, 0, sizeof(*it));
        it->id = sqlite3_column_int64(stmt, 0);
        str_copy(it->target, sizeof(it->target), col(stmt, 1));
        str_copy(it->source, sizeof(it->source), col(stmt, 2));
        str_copy(it->registry, sizeof(it->registry), col(stmt, 3));
        str_copy(it->repository, sizeof(it->repository), col(stmt, 4));
        str_copy(it->tag, sizeof(it->tag), col(stmt, 5));
        str_copy(it->to_ref, sizeof(it->to_ref), col(stmt, 6));
        str_copy(it->from_image, sizeof(it->from_image), col(stmt, 7));
        str_copy(it->from_digest, sizeof(it->from_digest), col(stmt, 8));
        str_copy(it->to_digest, sizeof(it->to_digest), col(stmt, 9));
        it->since = sqlite3_column_int64(stmt, 10);
        str_copy(it->state, sizeof(it->state), col(stmt, 11));
}

/* Step a SELECT of COLUMNS that names at most one row. */
static int one_row(struct state *st, sqlite3_stmt *stmt, struct pending_item *it, const char *what)
{
        int rc = sqlite3_step(stmt);

        if (rc == SQLITE_ROW) {
                row_of(stmt, it);
                return 1;
        }
        return rc == SQLITE_DONE ? 0 : state_fail(st, what);
}

int pending_lookup(struct state *st, const char *target, const char *digest, struct pending_item *it)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "SELECT " COLUMNS " FROM pending WHERE target = ?1 AND to_digest = ?2"
                            " ORDER BY id DESC LIMIT 1", &stmt);

        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, target, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, digest, -1, SQLITE_STATIC);
        r = one_row(st, stmt, it, "looking up a pending change");
        sqlite3_finalize(stmt);
        return r;
}

int pending_get(struct state *st, long long id, struct pending_item *it)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "SELECT " COLUMNS " FROM pending WHERE id = ?1", &stmt);

        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, id);
        r = one_row(st, stmt, it, "reading a pending change");
        sqlite3_finalize(stmt);
        return r;
}

/* The older waiting rows of it->target: their ids, then superseded. */
static int supersede(struct state *st, const struct pending_item *it, long long now, long long *ids, size_t max,
                     size_t *n)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r = sql_prepare(st, "SELECT id FROM pending WHERE target = ?1 AND state = 'waiting' ORDER BY id",
                                &stmt);

        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, it->target, -1, SQLITE_STATIC);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
                if (*n < max)
                        ids[(*n)++] = sqlite3_column_int64(stmt, 0);
        if (rc != SQLITE_DONE)
                r = state_fail(st, "listing waiting changes");
        sqlite3_finalize(stmt);
        if (r < 0)
                return r;
        r = sql_prepare(st, "UPDATE pending SET state = 'superseded', decided = ?2"
                        " WHERE target = ?1 AND state = 'waiting'", &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, it->target, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, now);
        r = sql_step_done(st, stmt, "superseding a waiting change");
        sqlite3_finalize(stmt);
        return r;
}

static void bind_or_null(sqlite3_stmt *stmt, int i, const char *s)
{
        if (s[0])
                sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
        else
                sqlite3_bind_null(stmt, i);
}

int pending_add(struct state *st, struct pending_item *it, long long *superseded, size_t max, size_t *n)
{
        long long now = (long long)time(NULL);
        sqlite3_stmt *stmt = NULL;
        int r;

        *n = 0;
        /* one writer at a time: two drains never both leave a waiting row */
        r = sql_exec(st, "BEGIN IMMEDIATE");
        if (r == 0)
                r = supersede(st, it, now, superseded, max, n);
        if (r == 0)
                r = sql_prepare(st, "INSERT INTO pending(target, source, registry, repository, tag, to_ref, from_image,"
                                " from_digest, to_digest, since, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                " ?10, 'waiting')", &stmt);
        if (r == 0) {
                sqlite3_bind_text(stmt, 1, it->target, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 2, it->source, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 3, it->registry, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 4, it->repository, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 5, it->tag, -1, SQLITE_STATIC);
                sqlite3_bind_text(stmt, 6, it->to_ref, -1, SQLITE_STATIC);
                bind_or_null(stmt, 7, it->from_image);
                bind_or_null(stmt, 8, it->from_digest);
                sqlite3_bind_text(stmt, 9, it->to_digest, -1, SQLITE_STATIC);
                sqlite3_bind_int64(stmt, 10, now);
                r = sql_step_done(st, stmt, "recording a pending change");
                sqlite3_finalize(stmt);
        }
        if (r == 0) {
                it->id = sqlite3_last_insert_rowid(state_db(st));
                it->since = now;
                str_copy(it->state, sizeof(it->state), "waiting");
                r = sql_exec(st, "COMMIT");
        }
        if (r < 0)
                sql_rollback(st);
        return r;
}

int pending_decide(struct state *st, long long id, const char *from, const char *to)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "UPDATE pending SET state = ?3, decided = ?4 WHERE id = ?1 AND state = ?2", &stmt);

        if (r < 0)
                return r;
        sqlite3_bind_int64(stmt, 1, id);
        sqlite3_bind_text(stmt, 2, from, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, to, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, (long long)time(NULL));
        if (sqlite3_step(stmt) != SQLITE_DONE)
                r = state_fail(st, "deciding a pending change");
        else
                r = sqlite3_changes(state_db(st)) > 0;
        sqlite3_finalize(stmt);
        return r;
}

int pending_each(struct state *st, const char *state,
                 int (*fn)(const struct pending_item *it, void *userdata), void *userdata)
{
        sqlite3_stmt *stmt = NULL;
        struct pending_item it;
        int rc, r = sql_prepare(st, "SELECT " COLUMNS " FROM pending WHERE ?1 IS NULL OR state = ?1 ORDER BY id",
                                &stmt);

        if (r < 0)
                return r;
        if (state)
                sqlite3_bind_text(stmt, 1, state, -1, SQLITE_STATIC);
        else
                sqlite3_bind_null(stmt, 1);
        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                row_of(stmt, &it);
                r = fn(&it, userdata);
        }
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, "listing pending changes");
        sqlite3_finalize(stmt);
        return r;
}

int pending_count(struct state *st, long long *n)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "SELECT count(*) FROM pending WHERE state = 'waiting'", &stmt);

        if (r < 0)
                return r;
        if (sqlite3_step(stmt) == SQLITE_ROW)
                *n = sqlite3_column_int64(stmt, 0);
        else
                r = state_fail(st, "counting pending changes");
        sqlite3_finalize(stmt);
        return r;
}

int pending_path_parse(const char *rest, long long *id, const char **action)
{
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        const char *what = NULL;
        long long v = 0;

        if (slash && strcmp(slash + 1, "approve") == 0)
                what = "approve";
        else if (slash && strcmp(slash + 1, "reject") == 0)
                what = "reject";
        else if (slash)
                return -ENOENT;
        /* one spelling per id: no leading zero (nor 0 itself) */
        if (n == 0 || n > PENDING_ID_DIGITS_MAX || rest[0] == '0')
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (rest[i] < '0' || rest[i] > '9')
                        return -EINVAL;
                v = v * 10 + (rest[i] - '0');
        }
        *id = v;
        *action = what;
        return 0;
}

static int log_expired(const struct pending_item *it, void *userdata)
{
        const long long *before = userdata;

        if (it->since >= *before)
                return 0;
        log_ctx(LOG_NOTICE, &(struct log_ctx){ .source = it->source, .container = it->target,
                                               .image = it->to_ref, .digest = it->to_digest[0] ? it->to_digest : NULL },
                "pending change %lld expired: %s stays as it is, %s %s was neither approved nor rejected in time",
                it->id, it->target, it->to_ref, it->to_digest[0] ? it->to_digest : "(no digest)");
        return 0;
}

int pending_expire(struct state *st, long long now, long long max_age_s)
{
        long long before = now - max_age_s;
        sqlite3_stmt *stmt = NULL;
        int r, dropped = 0;

        /* said first: the rows are gone after */
        r = pending_each(st, "waiting", log_expired, &before);
        if (r == 0)
                r = sql_prepare(st, "DELETE FROM pending WHERE state = 'waiting' AND since < ?1", &stmt);
        if (r == 0) {
                sqlite3_bind_int64(stmt, 1, before);
                if (sqlite3_step(stmt) != SQLITE_DONE)
                        r = state_fail(st, "dropping expired pending changes");
                else
                        dropped = sqlite3_changes(state_db(st));
                sqlite3_finalize(stmt);
        }
        /* rejected rows stay: a rejected digest is never applied */
        if (r == 0)
                r = sql_prepare(st, "DELETE FROM pending WHERE state IN ('done', 'superseded') AND decided < ?1",
                                &stmt);
        if (r == 0) {
                sqlite3_bind_int64(stmt, 1, before);
                r = sql_step_done(st, stmt, "pruning decided pending changes");
                sqlite3_finalize(stmt);
        }
        return r < 0 ? r : dropped;
}
