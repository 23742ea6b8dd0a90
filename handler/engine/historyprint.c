/* historyprint: the history table printed (see historyprint.h).  Every
 * value reaches SQL through a bound parameter. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "historyprint.h"
#include "since.h"
#include "statesql.h"
#include "table.h"

#define SHORT_DIGEST    12      /* hex digits of a digest in the table */
#define CELL_MAX        512     /* table cells are cut here; JSON has it all */

/* Columns of the history query, in SELECT order. */
enum { H_ID, H_TIME, H_SOURCE, H_EVENT_ID, H_TARGET, H_KIND, H_IMAGE, H_OLD, H_NEW,
       H_OUTCOME, H_DURATION, H_ERROR, H_OLD_IMAGE };

/* Columns of the table.  DETAIL is why a decision came out as it did:
 * an error, or a note such as "monitor-only: not replaced" (JSON keeps
 * the key "error" for it, as it has since the first release). */
enum { C_TIME, C_TARGET, C_OUTCOME, C_IMAGE, C_DIGESTS, C_DURATION, C_SOURCE, C_DETAIL, NCOLS };

static const char *const headers[NCOLS] = {
        "TIME", "TARGET", "OUTCOME", "IMAGE", "OLD → NEW", "DURATION", "SOURCE", "DETAIL",
};

struct cells {
        char v[NCOLS][CELL_MAX];
};

/* "sha256:0123456789abcdef..." -> "0123456789ab", as docker shortens ids. */
static void short_digest(char *buf, size_t size, const char *d)
{
        const char *colon = d ? strchr(d, ':') : NULL;

        if (!d || !*d)
                snprintf(buf, size, "-");
        else
                snprintf(buf, size, "%.*s", SHORT_DIGEST, colon ? colon + 1 : d);
}

static void duration(char *buf, size_t size, long long ms)
{
        if (ms < 1000)
                snprintf(buf, size, "%lldms", ms);
        else if (ms < 60000)
                snprintf(buf, size, "%.1fs", (double)ms / 1000);
        else
                snprintf(buf, size, "%lldm%02llds", ms / 60000, ms / 1000 % 60);
}

static void format_cells(sqlite3_stmt *stmt, struct cells *c)
{
        char old[SHORT_DIGEST + 1], new[SHORT_DIGEST + 1], tmp[CELL_MAX];

        since_iso_time(sqlite3_column_int64(stmt, H_TIME), c->v[C_TIME], CELL_MAX);
        table_cell(c->v[C_TARGET], CELL_MAX, sql_col_text(stmt, H_TARGET));
        table_cell(c->v[C_OUTCOME], CELL_MAX, sql_col_text(stmt, H_OUTCOME));
        /* a move to another tag: "OLD REFERENCE → NEW TAG" */
        if (sql_col_text(stmt, H_OLD_IMAGE) && sql_col_text(stmt, H_IMAGE)) {
                const char *img = sql_col_text(stmt, H_IMAGE), *colon = strrchr(img, ':'), *slash = strrchr(img, '/');

                snprintf(tmp, sizeof(tmp), "%s → %s", sql_col_text(stmt, H_OLD_IMAGE),
                         colon && (!slash || colon > slash) ? colon + 1 : img);
                table_cell(c->v[C_IMAGE], CELL_MAX, tmp);
        } else {
                table_cell(c->v[C_IMAGE], CELL_MAX, sql_col_text(stmt, H_IMAGE));
        }
        short_digest(old, sizeof(old), sql_col_text(stmt, H_OLD));
        short_digest(new, sizeof(new), sql_col_text(stmt, H_NEW));
        snprintf(tmp, sizeof(tmp), "%s → %s", old, new);
        table_cell(c->v[C_DIGESTS], CELL_MAX, tmp);
        duration(c->v[C_DURATION], CELL_MAX, sqlite3_column_int64(stmt, H_DURATION));
        table_cell(c->v[C_SOURCE], CELL_MAX, sql_col_text(stmt, H_SOURCE));
        table_cell(c->v[C_DETAIL], CELL_MAX, sql_col_text(stmt, H_ERROR));
        if (sqlite3_column_type(stmt, H_ERROR) == SQLITE_NULL)
                c->v[C_DETAIL][0] = '\0';
}

static void print_cells(FILE *out, const struct cells *c, const size_t *w)
{
        const char *v[NCOLS];

        for (int i = 0; i < NCOLS; i++)
                v[i] = c->v[i];
        table_line(out, v, w, NCOLS);
}

/* Two passes over one read snapshot: widths first, then the lines, so the
 * table needs no more memory than one row. */
static int print_table(struct state *st, sqlite3_stmt *stmt, FILE *out)
{
        struct cells *c = malloc(sizeof(*c));
        size_t w[NCOLS];
        int rc, r = 0;

        if (!c)
                return -ENOMEM;
        for (int i = 0; i < NCOLS; i++)
                w[i] = table_width(headers[i]);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                format_cells(stmt, c);
                for (int i = 0; i < NCOLS; i++)
                        if (table_width(c->v[i]) > w[i])
                                w[i] = table_width(c->v[i]);
        }
        if (rc != SQLITE_DONE) {
                r = state_fail(st, "reading history");
                goto out;
        }
        table_line(out, headers, w, NCOLS);
        sqlite3_reset(stmt);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                format_cells(stmt, c);
                print_cells(out, c, w);
        }
        if (rc != SQLITE_DONE)
                r = state_fail(st, "reading history");
out:
        free(c);
        return r;
}

/* A JSON string, or null.  Text that is not UTF-8 (it should not happen:
 * everything recorded came from JSON or from us) keeps its ASCII. */
static json_t *json_text(sqlite3_stmt *stmt, int i)
{
        const char *s = sql_col_text(stmt, i);
        json_t *j;
        char *ascii;

        if (!s)
                return json_null();
        j = json_string(s);
        if (j)
                return j;
        ascii = strdup(s);
        if (!ascii)
                return NULL;
        for (char *p = ascii; *p; p++)
                if ((unsigned char)*p >= 0x80)
                        *p = '?';
        j = json_string(ascii);
        free(ascii);
        return j;
}

static int print_json_row(sqlite3_stmt *stmt, FILE *out)
{
        char when[32];
        char *s;
        json_t *j;

        since_iso_time(sqlite3_column_int64(stmt, H_TIME), when, sizeof(when));
        j = json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:o}",
                      "id", (json_int_t)sqlite3_column_int64(stmt, H_ID),
                      "time", when,
                      "source", json_text(stmt, H_SOURCE),
                      "event_id", json_text(stmt, H_EVENT_ID),
                      "target", json_text(stmt, H_TARGET),
                      "kind", json_text(stmt, H_KIND),
                      "image", json_text(stmt, H_IMAGE),
                      "old_image", json_text(stmt, H_OLD_IMAGE),
                      "old_digest", json_text(stmt, H_OLD),
                      "new_digest", json_text(stmt, H_NEW),
                      "outcome", json_text(stmt, H_OUTCOME),
                      "duration_ms", (json_int_t)sqlite3_column_int64(stmt, H_DURATION),
                      "error", json_text(stmt, H_ERROR));
        s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!s)
                return -ENOMEM;
        fprintf(out, "%s\n", s);
        free(s);
        return 0;
}

static int print_json(struct state *st, sqlite3_stmt *stmt, FILE *out)
{
        int rc = SQLITE_DONE, r = 0;

        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
                r = print_json_row(stmt, out);
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, "reading history");
        return r;
}

/* The history query with f's conditions, each a bound parameter:
 * ?1 target, ?2 since, ?3 limit, ?4... the outcomes. */
static int history_query(struct state *st, const struct history_filter *f, sqlite3_stmt **stmt)
{
        char sql[1024];
        size_t n;
        int r;

        n = (size_t)snprintf(sql, sizeof(sql), "SELECT id, time, source, event_id, target, kind, image,"
                             " old_digest, new_digest, outcome, duration_ms, error, old_image FROM history"
                             " WHERE (?1 IS NULL OR target = ?1) AND time >= ?2");
        if (f->n_outcomes > 0) {
                n += (size_t)snprintf(sql + n, sizeof(sql) - n, " AND outcome IN (");
                for (int i = 0; i < f->n_outcomes && n < sizeof(sql); i++)
                        n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s?%d", i ? ", " : "", 4 + i);
                if (n < sizeof(sql))
                        n += (size_t)snprintf(sql + n, sizeof(sql) - n, ")");
        }
        if (n < sizeof(sql))
                n += (size_t)snprintf(sql + n, sizeof(sql) - n, " ORDER BY id DESC LIMIT ?3");
        if (n >= sizeof(sql))
                return -E2BIG;
        r = sql_prepare(st, sql, stmt);
        if (r < 0)
                return r;
        sql_bind_text(*stmt, 1, f->target);
        sqlite3_bind_int64(*stmt, 2, f->since);
        sqlite3_bind_int(*stmt, 3, f->limit > 0 ? f->limit : -1);     /* negative: no limit */
        for (int i = 0; i < f->n_outcomes; i++)
                sql_bind_text(*stmt, 4 + i, f->outcomes[i]);
        return 0;
}

int state_print_history(struct state *st, FILE *out, const struct history_filter *f, bool json)
{
        sqlite3_stmt *stmt = NULL;
        int r;

        if (f->n_outcomes < 0 || f->n_outcomes > HISTORY_OUTCOMES_MAX)
                return -EINVAL;
        r = history_query(st, f, &stmt);
        if (r < 0)
                return r;
        r = sql_exec(st, "BEGIN");
        if (r == 0)
                r = json ? print_json(st, stmt, out) : print_table(st, stmt, out);
        sqlite3_reset(stmt);    /* a running statement would keep the snapshot */
        if (r == 0)
                r = sql_exec(st, "COMMIT");
        if (r < 0)
                sql_rollback(st);
        sqlite3_finalize(stmt);
        if (r == 0 && ferror(out))
                r = -EIO;
        return r;
}
