/* statesql: the few SQLite steps every module that keeps a table in
 * redock's database repeats (state.c, holdstate.c, pending.c, repos.c,
 * counters.c).  Internal to those modules: the rest of redock calls
 * their functions, never SQL.  Each failure is logged once through
 * state_fail and returned as -EIO. */
#pragma once

#include <sqlite3.h>

#include "state.h"

/* Prepare sql on st's connection (failure logged as "prepare"). */
int sql_prepare(struct state *st, const char *sql, sqlite3_stmt **stmt);

/* Run sql, which returns no rows (failure logged with the SQL). */
int sql_exec(struct state *st, const char *sql);

/* After a failure inside BEGIN ... COMMIT (SQLite may already have
 * rolled back on its own). */
void sql_rollback(struct state *st);

/* Bind s as text; NULL stays NULL in the database.  SQLITE_STATIC: s
 * must outlive the statement's last step. */
int sql_bind_text(sqlite3_stmt *stmt, int i, const char *s);

/* Column i as a C string, NULL for SQL NULL. */
const char *sql_col_text(sqlite3_stmt *stmt, int i);

/* Step a statement that returns no rows; what names it for the log. */
int sql_step_done(struct state *st, sqlite3_stmt *stmt, const char *what);

/* One statement with one text parameter (?1), prepared, run to its end
 * and finalised. */
int sql_exec_text(struct state *st, const char *sql, const char *text, const char *what);
