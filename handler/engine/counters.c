/* counters: totals kept in redock's database (see counters.h). */
#include <sqlite3.h>

#include "counters.h"

int counters_add(struct state *st, const char *name, long long by)
{
        sqlite3_stmt *stmt = NULL;
        int r = 0;

        /* one statement, its own transaction: two drains never lose a count */
        if (sqlite3_prepare_v2(state_db(st),
                               "INSERT INTO counters(name, value) VALUES(?1, ?2)"
                               " ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                               -1, &stmt, NULL) != SQLITE_OK)
                return state_fail(st, "counters: prepare");
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, by);
        if (sqlite3_step(stmt) != SQLITE_DONE)
                r = state_fail(st, "counters: add");
        sqlite3_finalize(stmt);
        return r;
}

int counters_get(struct state *st, const char *name, long long *value)
{
        sqlite3_stmt *stmt = NULL;
        int r = 0, s;

        *value = 0;
        if (sqlite3_prepare_v2(state_db(st), "SELECT value FROM counters WHERE name = ?1", -1, &stmt, NULL) !=
            SQLITE_OK)
                return state_fail(st, "counters: prepare");
        sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
        s = sqlite3_step(stmt);
        if (s == SQLITE_ROW)
                *value = sqlite3_column_int64(stmt, 0);
        else if (s != SQLITE_DONE)
                r = state_fail(st, "counters: read");
        sqlite3_finalize(stmt);
        return r;
}
