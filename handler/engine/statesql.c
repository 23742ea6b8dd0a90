/* statesql: shared SQLite steps of the modules that keep tables in
 * redock's database (see statesql.h). */
#include "statesql.h"

int sql_prepare(struct state *st, const char *sql, sqlite3_stmt **stmt)
{
        if (sqlite3_prepare_v2(state_db(st), sql, -1, stmt, NULL) != SQLITE_OK)
                return state_fail(st, "prepare");
        return 0;
}

int sql_exec(struct state *st, const char *sql)
{
        if (sqlite3_exec(state_db(st), sql, NULL, NULL, NULL) != SQLITE_OK)
                return state_fail(st, sql);
        return 0;
}

void sql_rollback(struct state *st)
{
        if (!sqlite3_get_autocommit(state_db(st)))
                sqlite3_exec(state_db(st), "ROLLBACK", NULL, NULL, NULL);
}

int sql_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
        return s ? sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, i);
}

const char *sql_col_text(sqlite3_stmt *stmt, int i)
{
        return (const char *)sqlite3_column_text(stmt, i);
}

int sql_step_done(struct state *st, sqlite3_stmt *stmt, const char *what)
{
        if (sqlite3_step(stmt) != SQLITE_DONE)
                return state_fail(st, what);
        return 0;
}

int sql_exec_text(struct state *st, const char *sql, const char *text, const char *what)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, sql, &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, text);
        r = sql_step_done(st, stmt, what);
        sqlite3_finalize(stmt);
        return r;
}
