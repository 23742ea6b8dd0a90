/* repos: per-repository pin and auto-deploy, in SQLite (see repos.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hostmap.h"
#include "imageref.h"
#include "repos.h"
#include "statesql.h"
#include "strutil.h"

static void row_of(sqlite3_stmt *stmt, struct repo_row *row)
{
        str_copy(row->repo, sizeof(row->repo), sql_col_text(stmt, 0) ?: "");
        str_copy(row->pinned_tag, sizeof(row->pinned_tag), sql_col_text(stmt, 1) ?: "");
        row->auto_deploy = sqlite3_column_int(stmt, 2) != 0;
        row->time = sqlite3_column_int64(stmt, 3);
}

int repos_get(struct state *st, const char *repo, struct repo_row *row)
{
        sqlite3_stmt *stmt = NULL;
        int rc, r = sql_prepare(st, "SELECT repo, pinned_tag, auto_deploy, time FROM repos WHERE repo = ?1", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, repo);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
                row_of(stmt, row);
                r = 1;
        } else if (rc != SQLITE_DONE) {
                r = state_fail(st, "reading a repository");
        }
        sqlite3_finalize(stmt);
        return r;
}

int repos_set(struct state *st, const char *repo, const char *tag, bool set_tag, int auto_deploy)
{
        sqlite3_stmt *stmt = NULL;
        /* one statement: the row is created, or only what was given changes */
        int r = sql_prepare(st, "INSERT INTO repos(repo, pinned_tag, auto_deploy, time)"
                            " VALUES(?1, CASE WHEN ?2 THEN ?3 END, coalesce(?4, 1), ?5)"
                            " ON CONFLICT(repo) DO UPDATE SET"
                            " pinned_tag = CASE WHEN ?2 THEN ?3 ELSE pinned_tag END,"
                            " auto_deploy = coalesce(?4, auto_deploy), time = ?5", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, repo);
        sqlite3_bind_int(stmt, 2, set_tag);
        sql_bind_text(stmt, 3, tag);
        if (auto_deploy >= 0)
                sqlite3_bind_int(stmt, 4, auto_deploy != 0);
        else
                sqlite3_bind_null(stmt, 4);
        sqlite3_bind_int64(stmt, 5, (long long)time(NULL));
        r = sql_step_done(st, stmt, "changing a repository");
        sqlite3_finalize(stmt);
        return r;
}

int repos_each(struct state *st, int (*fn)(const struct repo_row *row, void *userdata), void *userdata)
{
        sqlite3_stmt *stmt = NULL;
        int rc = SQLITE_DONE, r = sql_prepare(st, "SELECT repo, pinned_tag, auto_deploy, time FROM repos ORDER BY repo",
                                              &stmt);

        if (r < 0)
                return r;
        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                struct repo_row row;

                row_of(stmt, &row);
                r = fn(&row, userdata);
        }
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, "listing repositories");
        sqlite3_finalize(stmt);
        return r;
}

int repos_moved_add(struct state *st, const char *repo, const char *container, const char *old_image)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "INSERT OR IGNORE INTO repo_moved(repo, container, old_image, time)"
                            " VALUES(?1, ?2, ?3, ?4)", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, repo);
        sql_bind_text(stmt, 2, container);
        sql_bind_text(stmt, 3, old_image);
        sqlite3_bind_int64(stmt, 4, (long long)time(NULL));
        r = sql_step_done(st, stmt, "remembering what a pin moved");
        sqlite3_finalize(stmt);
        return r;
}

int repos_moved_drop(struct state *st, const char *repo, const char *container)
{
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(st, "DELETE FROM repo_moved WHERE repo = ?1 AND container = ?2", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, repo);
        sql_bind_text(stmt, 2, container);
        r = sql_step_done(st, stmt, "forgetting what a pin moved");
        sqlite3_finalize(stmt);
        return r;
}

int repos_each_moved(struct state *st, const char *repo,
                     int (*fn)(const char *container, const char *old_image, void *userdata), void *userdata)
{
        sqlite3_stmt *stmt = NULL;
        int rc = SQLITE_DONE, r = sql_prepare(st, "SELECT container, old_image FROM repo_moved WHERE repo = ?1"
                                              " ORDER BY container", &stmt);

        if (r < 0)
                return r;
        sql_bind_text(stmt, 1, repo);
        while (r == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
                r = fn(sql_col_text(stmt, 0) ?: "", sql_col_text(stmt, 1) ?: "", userdata);
        if (r == 0 && rc != SQLITE_DONE)
                r = state_fail(st, "listing what a pin moved");
        sqlite3_finalize(stmt);
        return r;
}

static int cache_add(const struct repo_row *row, void *userdata)
{
        struct repos_cache *c = userdata;
        struct repo_row *v = reallocarray(c->v, c->n + 1, sizeof(*v));

        if (!v)
                return -ENOMEM;
        c->v = v;
        v[c->n++] = *row;
        return 0;
}

int repos_load(struct state *st, struct repos_cache *c)
{
        int r;

        c->v = NULL;
        c->n = 0;
        if (!st)
                return 0;
        r = repos_each(st, cache_add, c);
        if (r < 0)
                repos_cache_free(c);
        return r;
}

void repos_cache_free(struct repos_cache *c)
{
        free(c->v);
        c->v = NULL;
        c->n = 0;
}

const char *repos_event_host(const struct config *cfg, const char *host)
{
        for (size_t i = 0; cfg && i < cfg->n_sources; i++) {
                const struct source *s = &cfg->sources[i];

                if (!s->registry || !s->registry[0])
                        continue;
                if (hostmap_same_host(s->registry, host))
                        return s->registry;
                for (size_t a = 0; a < s->n_aliases; a++)
                        if (hostmap_same_host(s->aliases[a], host))
                                return s->registry;
        }
        return host;
}

const struct repo_row *repos_find(const struct repos_cache *c, const struct config *cfg,
                                  const struct push_event *ev)
{
        char key[REPO_KEY_MAX];

        if (!c || c->n == 0)
                return NULL;
        /* a poll's job names the container's own host, maybe an alias */
        snprintf(key, sizeof(key), "%s/%s", repos_event_host(cfg, ev->registry), ev->repository);
        for (size_t i = 0; i < c->n; i++) {
                const char *slash;

                if (ev->registry[0] ? strcmp(c->v[i].repo, key) == 0
                                    : (slash = strchr(c->v[i].repo, '/')) && strcmp(slash + 1, ev->repository) == 0)
                        return &c->v[i];
        }
        return NULL;
}

/* Docker's rule: a first component is a host when it has '.' or ':',
 * or is localhost. */
static bool names_host(const char *s, size_t n)
{
        return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0);
}

int repos_parse_path(const char *rest, char *host, size_t host_size, char *repository, size_t repo_size,
                     bool *reset)
{
        char path[REPO_KEY_MAX + 8];
        size_t len = strlen(rest);
        const char *slash;
        struct imageref ref;

        *reset = false;
        host[0] = repository[0] = '\0';
        if (len == 0 || len >= sizeof(path) - 8)
                return -EINVAL;
        memcpy(path, rest, len + 1);
        if (len > 6 && strcmp(path + len - 6, "/reset") == 0) {
                *reset = true;
                path[len - 6] = '\0';
        }
        /* a repository only: no tag, no digest (a ':' is a port's, in the host) */
        slash = strchr(path, '/');
        if (strchr(path, '@') || strchr(slash ? slash : path, ':'))
                return -EINVAL;
        if (slash && names_host(path, (size_t)(slash - path))) {
                /* imageref normalises the host (Docker Hub's names, case) and library/ */
                if (imageref_parse(path, &ref) < 0 || str_copy(host, host_size, ref.registry) < 0 ||
                    str_copy(repository, repo_size, ref.repository) < 0) {
                        host[0] = '\0';
                        return -EINVAL;
                }
                return 0;
        }
        if (!imageref_valid_repository(path))
                return -EINVAL;
        return str_copy(repository, repo_size, path);
}
