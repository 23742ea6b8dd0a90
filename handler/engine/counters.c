/* counters: totals kept in redock's database (see counters.h). */
#include "counters.h"
#include "statesql.h"

int counters_add(struct state *st, const char *name, long long by)
{
        sqlite3_stmt *stmt = NULL;
        /* one statement, its own transaction: two drains never lose a count */
        int r = sql_prepare(st, "INSERT INTO counters(name, value) VALUES(?1, ?2)"
                            " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, name);
        sqlite3_bind_int64(stmt, 2, by);
        r = sql_step_done(st, stmt, "counters: add");
        sqlite3_finalize(stmt);
        return r;
}

int counters_get(struct state *st, const char *name, long long *value)
{
        sqlite3_stmt *stmt = NULL;
        int s, r = sql_prepare(st, "SELECT value FROM counters WHERE name = ?1", &stmt);

        *value = 0;
        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, name);
        s = sqlite3_step(stmt);
        if (s == SQLITE_ROW)
                *value = sqlite3_column_int64(stmt, 0);
        else if (s != SQLITE_DONE)
                r = state_fail(st, "counters: read");
        sqlite3_finalize(stmt);
        return r;
}
