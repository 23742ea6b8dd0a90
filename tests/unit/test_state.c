/* state: the SQLite database in a fresh temporary directory per test,
 * looked at through a second connection where the API shows too little. */
#include "check_main.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>   /* PATH_MAX */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "event.h"
#include "historyprint.h"
#include "holdstate.h"
#include "state.h"
#include "update.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define ROWS_PER_CHILD 200

static char dir[PATH_MAX];
static char db_path[PATH_MAX + 64];

static void rm_rf(const char *path)
{
        char cmd[PATH_MAX + 16];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
        ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
        const char *tmp = getenv("TMPDIR");

        umask(022);
        snprintf(dir, sizeof(dir), "%s/redock-state-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(db_path, sizeof(db_path), "%s/" "redock.db", dir);
}

static void teardown(void)
{
        chmod(dir, 0700);
        rm_rf(dir);
}

static struct state *open_state(void)
{
        struct state *st = NULL;

        ck_assert_int_eq(state_open(dir, &st), 0);
        ck_assert_ptr_nonnull(st);
        return st;
}

/* A second connection, as another process would have. */
static sqlite3 *raw_open(void)
{
        sqlite3 *db = NULL;

        ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        return db;
}

static long long raw_int(const char *sql)
{
        sqlite3 *db = raw_open();
        sqlite3_stmt *stmt;
        long long v;

        ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
        v = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return v;
}

/* Make every claim look made at time t. */
static void raw_age_claims(long long t)
{
        sqlite3 *db = raw_open();
        char sql[160];

        snprintf(sql, sizeof(sql), "UPDATE seen_id SET time = %lld; UPDATE seen_tag SET time = %lld", t, t);
        ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);
}

static struct push_event event(const char *repo, const char *tag, const char *digest, const char *id)
{
        struct push_event ev;

        ck_assert_int_eq(push_event_set(&ev, "127.0.0.1:5000", repo, tag, digest, NULL, id), 0);
        return ev;
}

static char *capture_filter(struct state *st, const struct history_filter *hf, bool json)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(state_print_history(st, f, hf, json), 0);
        fclose(f);
        return buf;
}

static char *capture(struct state *st, int limit, bool json)
{
        const struct history_filter hf = { .limit = limit };

        return capture_filter(st, &hf, json);
}

static int count_lines(const char *s)
{
        int n = 0;

        for (; *s; s++)
                n += *s == '\n';
        return n;
}

static void record(struct state *st, long long t, const char *target, const char *outcome,
                   const char *old, const char *new, const char *error)
{
        const struct history_row row = {
                .time = t, .source = "reg", .event_id = "ev-1", .target = target,
                .kind = "container", .image = "127.0.0.1:5000/team/app:stable",
                .old_digest = old, .new_digest = new, .outcome = outcome,
                .duration_ms = 1234, .error = error,
        };

        ck_assert_int_eq(state_record(st, &row), 0);
}

START_TEST(open_creates_wal_database)
{
        struct state *st;
        struct stat sb;
        sqlite3 *db;
        sqlite3_stmt *stmt;

        /* a state directory that does not exist yet, two levels deep */
        char sdir[PATH_MAX + 16];
        snprintf(sdir, sizeof(sdir), "%s/var/lib", dir);
        snprintf(db_path, sizeof(db_path), "%s/redock.db", sdir);
        ck_assert_int_eq(state_open(sdir, &st), 0);
        ck_assert_int_eq(stat(sdir, &sb), 0);
        ck_assert_uint_eq(sb.st_mode & 07777, 0750);
        ck_assert_int_eq(stat(db_path, &sb), 0);
        ck_assert(S_ISREG(sb.st_mode));
        ck_assert_uint_eq(sb.st_mode & 07777, 0640);

        db = raw_open();
        ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
        ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "wal");
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        ck_assert_int_eq(raw_int("PRAGMA user_version"), 7);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE name = 'history_target'"), 1);
        state_close(st);

        /* opening again finds everything in place */
        ck_assert_int_eq(state_open(sdir, &st), 0);
        record(st, 0, "web", "updated", D1, D2, NULL);
        state_close(st);
        ck_assert_int_eq(state_open(sdir, &st), 0);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history"), 1);
        state_close(st);
}
END_TEST

START_TEST(open_refuses_newer_schema)
{
        state_close(open_state());
        sqlite3 *db = raw_open();
        ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        struct state *st = (struct state *)&st;         /* must be reset */
        ck_assert_int_eq(state_open(dir, &st), -EIO);
        ck_assert_ptr_null(st);
}
END_TEST

START_TEST(open_not_a_database)
{
        struct state *st;
        int fd = open(db_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, "this is not sqlite, not at all, and long enough to matter\n", 58), 58);
        close(fd);
        ck_assert_int_eq(state_open(dir, &st), -EIO);
        ck_assert_ptr_null(st);
}
END_TEST

/* claim(st, source, ev, job) with the default window */
#define CLAIM(st, src, ev, job) state_event_claim((st), (src), &(ev), (job), 600)

START_TEST(claim_redelivery_by_event_id)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", NULL, "evt-1");

        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "2.job"), EVENT_REDELIVERED);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id WHERE event_id = 'evt-1' AND job = '1.job'"), 1);
        state_close(st);
}
END_TEST

/* Harbor's CloudEvents give one id to a payload that pushes two tags. */
START_TEST(claim_event_id_is_per_tag)
{
        struct state *st = open_state();
        struct push_event a = event("team/app", "v1", D1, "ce-1");
        struct push_event b = event("team/app", "latest", D1, "ce-1");
        struct push_event other_repo = event("team/api", "v1", D1, "ce-1");

        ck_assert_int_eq(CLAIM(st, "harbor", a, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "harbor", b, "2.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "harbor", other_repo, "3.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "harbor", b, "4.job"), EVENT_REDELIVERED);
        state_close(st);
}
END_TEST

/* The job whose drain died claims its own event again. */
START_TEST(claim_same_job_again)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", D1, "evt-1");

        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "2.job"), EVENT_REDELIVERED);
        state_close(st);
}
END_TEST

/* v2, v1, v2, v1 within the window: each push moves the tag. */
START_TEST(claim_tag_moved_back)
{
        struct state *st = open_state();
        struct push_event v2a = event("team/app", "live", D2, "e1");
        struct push_event v1a = event("team/app", "live", D1, "e2");
        struct push_event v2b = event("team/app", "live", D2, "e3");
        struct push_event v1b = event("team/app", "live", D1, "e4");
        struct push_event v2b_nodigest_id = event("team/app", "live", D2, NULL);

        ck_assert_int_eq(CLAIM(st, "reg", v2a, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", v1a, "2.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", v2b, "3.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", v1b, "4.job"), EVENT_NEW);
        /* v1 is the newest now: another delivery of it repeats it */
        ck_assert_int_eq(CLAIM(st, "reg", v1b, "5.job"), EVENT_REDELIVERED);
        ck_assert_int_eq(CLAIM(st, "reg", v2b_nodigest_id, "6.job"), EVENT_NEW);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_tag"), 1);
        state_close(st);
}
END_TEST

/* Another delivery (new id) of the newest digest: the drain then acts
 * only where a container does not run it. */
START_TEST(claim_same_digest)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", D1, "evt-a");
        struct push_event repush = event("team/app", "stable", D1, "evt-b");
        struct push_event no_id = event("team/app", "stable", D1, NULL);
        struct push_event newer = event("team/app", "stable", D3, "evt-c");
        struct push_event other_tag = event("team/app", "latest", D1, "evt-d");

        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", repush, "2.job"), EVENT_SAME_DIGEST);
        ck_assert_int_eq(CLAIM(st, "reg", no_id, "3.job"), EVENT_SAME_DIGEST);
        /* its own id was remembered: its retry is a redelivery */
        ck_assert_int_eq(CLAIM(st, "reg", repush, "4.job"), EVENT_REDELIVERED);
        ck_assert_int_eq(CLAIM(st, "reg", other_tag, "5.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", newer, "6.job"), EVENT_NEW);
        state_close(st);
}
END_TEST

START_TEST(claim_needs_a_name)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", NULL, NULL);

        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "2.job"), EVENT_NEW);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id") + raw_int("SELECT count(*) FROM seen_tag"), 0);
        state_close(st);
}
END_TEST

START_TEST(claim_window_expires)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", D1, "old-id");
        long long now = time(NULL);

        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        raw_age_claims(now - 3600);
        ck_assert_int_eq(state_event_claim(st, "reg", &ev, "2.job", 7200), EVENT_REDELIVERED);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "3.job"), EVENT_NEW);
        /* 0 turns the check off, and records nothing */
        ck_assert_int_eq(state_event_claim(st, "reg", &ev, "4.job", 0), EVENT_NEW);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id WHERE job = '4.job'"), 0);
        state_close(st);
}
END_TEST

START_TEST(claim_forget)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", D1, "evt-1");

        ck_assert_int_eq(CLAIM(st, "reg", ev, "1.job"), EVENT_NEW);
        /* only the job's own claims go */
        ck_assert_int_eq(state_event_forget(st, "reg", &ev, "2.job"), 0);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "3.job"), EVENT_REDELIVERED);
        ck_assert_int_eq(state_event_forget(st, "reg", &ev, "1.job"), 0);
        ck_assert_int_eq(CLAIM(st, "reg", ev, "3.job"), EVENT_NEW);
        state_close(st);
}
END_TEST

START_TEST(claim_sources_do_not_collide)
{
        struct state *st = open_state();
        struct push_event ev = event("team/app", "stable", D1, "evt-1");

        ck_assert_int_eq(CLAIM(st, "harbor", ev, "1.job"), EVENT_NEW);
        ck_assert_int_eq(CLAIM(st, "gitlab", ev, "2.job"), EVENT_NEW);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id") + raw_int("SELECT count(*) FROM seen_tag"), 4);
        state_close(st);
}
END_TEST

START_TEST(history_table)
{
        struct state *st = open_state();
        char *out, *l1, *l2, *l3;

        record(st, 1700000000, "web", "updated", D1, D2, NULL);
        record(st, 1700000060, "api", "failed", D2, NULL, "pull: manifest unknown\n\x1b[31mred");
        record(st, 1700000120, "web", "unchanged", D2, D2, NULL);
        out = capture(st, 20, false);
        ck_assert_int_eq(count_lines(out), 4);

        l1 = out;
        l2 = strchr(l1, '\n') + 1;
        l3 = strchr(l2, '\n') + 1;
        ck_assert(strncmp(l1, "TIME ", 5) == 0);
        ck_assert_ptr_nonnull(strstr(l1, "TARGET"));
        ck_assert_ptr_nonnull(strstr(l1, "OUTCOME"));
        ck_assert_ptr_nonnull(strstr(l1, "IMAGE"));
        ck_assert_ptr_nonnull(strstr(l1, "OLD → NEW"));
        ck_assert_ptr_nonnull(strstr(l1, "DURATION"));
        ck_assert_ptr_nonnull(strstr(l1, "SOURCE"));
        ck_assert_ptr_nonnull(strstr(l1, "DETAIL"));
        /* it holds notes as well as errors ("monitor-only: not replaced") */
        ck_assert_ptr_null(strstr(l1, "ERROR"));
        /* newest first, ISO 8601 UTC */
        ck_assert(strncmp(l2, "2023-11-14T22:15:20Z ", 21) == 0);
        ck_assert_ptr_nonnull(strstr(l2, "unchanged"));
        ck_assert(strncmp(l3, "2023-11-14T22:14:20Z ", 21) == 0);
        ck_assert_ptr_nonnull(strstr(l3, "failed"));
        ck_assert_ptr_nonnull(strstr(l3, "222222222222 → -"));
        ck_assert_ptr_nonnull(strstr(l3, "1.2s"));
        ck_assert_ptr_nonnull(strstr(l3, "127.0.0.1:5000/team/app:stable"));
        /* control characters in an error do not reach the terminal */
        ck_assert_ptr_nonnull(strstr(l3, "pull: manifest unknown??[31mred\n"));
        ck_assert_ptr_null(strchr(out, '\x1b'));
        ck_assert_ptr_nonnull(strstr(out, "111111111111 → 222222222222"));
        /* digests are short in the table */
        ck_assert_ptr_null(strstr(out, "sha256:"));
        ck_assert_ptr_null(strstr(out, "1111111111111"));
        /* columns line up: OUTCOME starts at the same column on every line */
        ck_assert_int_eq(strstr(l2, "unchanged") - l2, strstr(l1, "OUTCOME") - l1);
        ck_assert_int_eq(strstr(l3, "failed") - l3, strstr(l1, "OUTCOME") - l1);
        /* no line ends in blanks */
        ck_assert_ptr_null(strstr(out, " \n"));
        free(out);

        out = capture(st, 1, false);
        ck_assert_int_eq(count_lines(out), 2);
        free(out);
        state_close(st);
}
END_TEST

START_TEST(history_table_empty)
{
        struct state *st = open_state();
        char *out = capture(st, 20, false);

        ck_assert_int_eq(count_lines(out), 1);
        ck_assert(strncmp(out, "TIME", 4) == 0);
        free(out);
        state_close(st);
}
END_TEST

START_TEST(history_json)
{
        struct state *st = open_state();
        const struct history_row svc = {
                .time = 1700000300, .target = "stack_web", .kind = "service",
                .image = "team/app:stable", .outcome = "updated", .duration_ms = 42,
        };
        char *out, *line, *save = NULL;
        long long prev_id = 1LL << 62;
        int n = 0;

        record(st, 1700000000, "web", "updated", D1, D2, NULL);
        record(st, 1700000060, "api", "failed", D2, NULL, "it's \"quoted\"; DROP TABLE history; --");
        ck_assert_int_eq(state_record(st, &svc), 0);
        out = capture(st, 0, true);
        ck_assert_int_eq(count_lines(out), 3);

        for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
                json_error_t err;
                json_t *j = json_loads(line, JSON_REJECT_DUPLICATES, &err);
                long long id;

                ck_assert_msg(j != NULL, "line %d: %s", n, err.text);
                ck_assert(json_is_object(j));
                ck_assert_uint_eq(json_object_size(j), 13);
                ck_assert_ptr_null(strstr(line, "\": "));    /* compact */
                id = json_integer_value(json_object_get(j, "id"));
                ck_assert_int_lt(id, prev_id);          /* newest first */
                prev_id = id;
                if (n == 0) {
                        ck_assert_str_eq(json_string_value(json_object_get(j, "time")), "2023-11-14T22:18:20Z");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "target")), "stack_web");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), "service");
                        ck_assert(json_is_null(json_object_get(j, "source")));
                        ck_assert(json_is_null(json_object_get(j, "event_id")));
                        ck_assert(json_is_null(json_object_get(j, "old_digest")));
                        ck_assert(json_is_null(json_object_get(j, "error")));
                        ck_assert_int_eq(json_integer_value(json_object_get(j, "duration_ms")), 42);
                } else if (n == 1) {
                        ck_assert_str_eq(json_string_value(json_object_get(j, "target")), "api");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "outcome")), "failed");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "old_digest")), D2);
                        ck_assert(json_is_null(json_object_get(j, "new_digest")));
                        ck_assert_str_eq(json_string_value(json_object_get(j, "error")),
                                         "it's \"quoted\"; DROP TABLE history; --");
                } else {
                        ck_assert_str_eq(json_string_value(json_object_get(j, "time")), "2023-11-14T22:13:20Z");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "source")), "reg");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "event_id")), "ev-1");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "target")), "web");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), "container");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "image")),
                                         "127.0.0.1:5000/team/app:stable");
                        ck_assert_str_eq(json_string_value(json_object_get(j, "old_digest")), D1);
                        ck_assert_str_eq(json_string_value(json_object_get(j, "new_digest")), D2);
                        ck_assert_str_eq(json_string_value(json_object_get(j, "outcome")), "updated");
                        ck_assert_int_eq(json_integer_value(json_object_get(j, "duration_ms")), 1234);
                        ck_assert(json_is_null(json_object_get(j, "error")));
                }
                json_decref(j);
        }
        ck_assert_int_eq(n, 3);
        free(out);

        out = capture(st, 2, true);
        ck_assert_int_eq(count_lines(out), 2);
        free(out);
        state_close(st);
}
END_TEST

START_TEST(history_filters)
{
        struct state *st = open_state();
        struct history_filter hf = { .target = "web" };
        char *out;

        record(st, 1700000000, "web", "updated", D1, D2, NULL);
        record(st, 1700000060, "api", "failed", D2, NULL, "pull: manifest unknown");
        record(st, 1700000120, "web", "unchanged", D2, D2, NULL);
        record(st, 1700000180, "web", "rolled-back", D2, D1, "exit code 3");
        record(st, 1700000240, "webx", "updated", D1, D2, NULL);

        /* by target: exactly that name, not a prefix or pattern */
        out = capture_filter(st, &hf, false);
        ck_assert_int_eq(count_lines(out), 4);
        ck_assert_ptr_null(strstr(out, "api"));
        ck_assert_ptr_null(strstr(out, "webx"));
        free(out);

        /* by outcome, one or several */
        hf = (struct history_filter){ .outcomes = { "failed", "rolled-back" }, .n_outcomes = 2 };
        out = capture_filter(st, &hf, false);
        ck_assert_int_eq(count_lines(out), 3);
        ck_assert_ptr_nonnull(strstr(out, "rolled-back"));
        ck_assert_ptr_nonnull(strstr(out, "failed"));
        ck_assert_ptr_null(strstr(out, "unchanged"));
        free(out);

        /* by time: at or after since */
        hf = (struct history_filter){ .since = 1700000120 };
        out = capture_filter(st, &hf, true);
        ck_assert_int_eq(count_lines(out), 3);
        ck_assert_ptr_null(strstr(out, "\"api\""));
        free(out);

        /* all together, and the limit after them */
        hf = (struct history_filter){ .target = "web", .outcomes = { "updated", "unchanged" },
                                      .n_outcomes = 2, .since = 1700000060, .limit = 5 };
        out = capture_filter(st, &hf, true);
        ck_assert_int_eq(count_lines(out), 1);
        ck_assert_ptr_nonnull(strstr(out, "\"outcome\":\"unchanged\""));
        free(out);
        hf.limit = 0;
        hf.outcomes[0] = "skipped";
        hf.n_outcomes = 1;
        out = capture_filter(st, &hf, false);
        ck_assert_int_eq(count_lines(out), 1);     /* the header only */
        free(out);
        state_close(st);
}
END_TEST

struct seen {
        char names[8][32];
        char outcomes[8][32];
        int n;
};

static int collect(const struct history_row *row, void *userdata)
{
        struct seen *s = userdata;

        ck_assert_int_lt(s->n, 8);
        snprintf(s->names[s->n], sizeof(s->names[0]), "%s", row->target);
        snprintf(s->outcomes[s->n], sizeof(s->outcomes[0]), "%s", row->outcome);
        s->n++;
        return 0;
}

START_TEST(each_target_newest_row)
{
        struct state *st = open_state();
        const struct history_row svc = {
                .time = 1700000300, .target = "stack_web", .kind = "service",
                .image = "team/app:stable", .outcome = "updated", .duration_ms = 42,
        };
        struct seen s = { .n = 0 };

        record(st, 1700000000, "web", "updated", D1, D2, NULL);
        record(st, 1700000060, "api", "failed", D2, NULL, "pull: manifest unknown");
        record(st, 1700000120, "web", "rolled-back", D2, D1, "exit code 3");
        ck_assert_int_eq(state_record(st, &svc), 0);
        ck_assert_int_eq(state_each_target(st, collect, &s), 0);
        ck_assert_int_eq(s.n, 3);
        /* containers by name, then services */
        ck_assert_str_eq(s.names[0], "api");
        ck_assert_str_eq(s.outcomes[0], "failed");
        ck_assert_str_eq(s.names[1], "web");
        ck_assert_str_eq(s.outcomes[1], "rolled-back");
        ck_assert_str_eq(s.names[2], "stack_web");
        state_close(st);
}
END_TEST

START_TEST(outcomes_cover_update_outcome_name)
{
        for (int o = UPDATE_UNCHANGED; o <= UPDATE_AVAILABLE; o++) {
                const char *name = update_outcome_name((enum update_outcome)o);
                bool found = false;

                for (size_t i = 0; state_outcomes[i]; i++)
                        found |= strcmp(state_outcomes[i], name) == 0;
                ck_assert_msg(found, "%s is not in state_outcomes", name);
        }
        for (size_t i = 0; state_outcomes[i]; i++)
                ck_assert_int_lt((int)i, HISTORY_OUTCOMES_MAX);
}
END_TEST

START_TEST(record_time_zero_is_now)
{
        struct state *st = open_state();
        long long before = time(NULL), when;
        char outcome[32];

        record(st, 0, "web", "updated", D1, D2, NULL);
        ck_assert_int_eq(state_last_outcome(st, "web", outcome, sizeof(outcome), &when), 0);
        ck_assert_int_ge(when, before);
        ck_assert_int_le(when, (long long)time(NULL));
        state_close(st);
}
END_TEST

START_TEST(last_outcome)
{
        struct state *st = open_state();
        char outcome[32] = "garbage";
        char tiny[4];
        long long when = 42;

        ck_assert_int_eq(state_last_outcome(st, "web", outcome, sizeof(outcome), &when), 0);
        ck_assert_str_eq(outcome, "");
        ck_assert_int_eq(when, 0);

        record(st, 1700000000, "web", "updated", D1, D2, NULL);
        record(st, 1700000100, "api", "failed", D1, NULL, "boom");
        /* an older time recorded later still counts as the last decision */
        record(st, 1699999000, "web", "rolled-back", D2, D3, "unhealthy");
        ck_assert_int_eq(state_last_outcome(st, "web", outcome, sizeof(outcome), &when), 0);
        ck_assert_str_eq(outcome, "rolled-back");
        ck_assert_int_eq(when, 1699999000);
        ck_assert_int_eq(state_last_outcome(st, "api", outcome, sizeof(outcome), NULL), 0);
        ck_assert_str_eq(outcome, "failed");
        ck_assert_int_eq(state_last_outcome(st, "db", outcome, sizeof(outcome), &when), 0);
        ck_assert_str_eq(outcome, "");
        ck_assert_int_eq(state_last_outcome(st, "web", tiny, sizeof(tiny), &when), 0);
        ck_assert_str_eq(tiny, "rol");
        state_close(st);
}
END_TEST

START_TEST(prune)
{
        struct state *st = open_state();
        struct push_event old = event("team/app", "old", D1, "old");
        struct push_event fresh = event("team/app", "stable", D1, "fresh");
        long long now = time(NULL);

        ck_assert_int_eq(CLAIM(st, "reg", old, "1.job"), EVENT_NEW);
        raw_age_claims(now - 7200);
        ck_assert_int_eq(CLAIM(st, "reg", fresh, "2.job"), EVENT_NEW);
        for (int i = 0; i < 10; i++)
                record(st, 1700000000 + i, "web", "updated", D1, D2, NULL);

        /* 0 leaves a table alone */
        ck_assert_int_eq(state_prune(st, 0, 0), 0);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id") + raw_int("SELECT count(*) FROM seen_tag"), 4);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history"), 10);

        ck_assert_int_eq(state_prune(st, 3600, 3), 0);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id") + raw_int("SELECT count(*) FROM seen_tag"), 2);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM seen_id WHERE event_id = 'old'"), 0);
        ck_assert_int_eq(CLAIM(st, "reg", fresh, "3.job"), EVENT_REDELIVERED);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history"), 3);
        ck_assert_int_eq(raw_int("SELECT min(time) FROM history"), 1700000007);
        ck_assert_int_eq(raw_int("SELECT max(time) FROM history"), 1700000009);

        /* fewer rows than kept: nothing goes */
        ck_assert_int_eq(state_prune(st, 3600, 100), 0);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history"), 3);
        state_close(st);
}
END_TEST

/* Both children open the new database at once (schema creation races
 * too) and write row by row: the busy timeout has to carry every row. */
static int child_records(int n, int go)
{
        struct state *st = NULL;
        char target[32], c;

        /* wait for the starting shot: EOF when the parent closes its end */
        if (read(go, &c, 1) != 0)
                return 3;
        close(go);
        if (state_open(dir, &st) < 0)
                return 1;
        snprintf(target, sizeof(target), "child-%d", n);
        for (int i = 0; i < ROWS_PER_CHILD; i++) {
                const struct history_row row = {
                        .target = target, .kind = "container", .image = "team/app:stable",
                        .outcome = "updated", .duration_ms = i,
                };
                if (state_record(st, &row) < 0) {
                        state_close(st);
                        return 2;
                }
        }
        state_close(st);
        return 0;
}

START_TEST(two_processes_record)
{
        pid_t pid[2];
        struct state *st;
        char outcome[32];
        int go[2];

        ck_assert_int_eq(pipe(go), 0);
        for (int n = 0; n < 2; n++) {
                pid[n] = fork();
                ck_assert_int_ge(pid[n], 0);
                if (pid[n] == 0) {
                        close(go[1]);
                        _exit(child_records(n, go[0]));
                }
        }
        close(go[0]);
        close(go[1]);
        for (int n = 0; n < 2; n++) {
                int status;
                ck_assert_int_eq(waitpid(pid[n], &status, 0), pid[n]);
                ck_assert(WIFEXITED(status));
                ck_assert_int_eq(WEXITSTATUS(status), 0);
        }
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history"), 2 * ROWS_PER_CHILD);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history WHERE target = 'child-0'"), ROWS_PER_CHILD);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history WHERE target = 'child-1'"), ROWS_PER_CHILD);
        st = open_state();
        ck_assert_int_eq(state_last_outcome(st, "child-1", outcome, sizeof(outcome), NULL), 0);
        ck_assert_str_eq(outcome, "updated");
        state_close(st);
}
END_TEST

/* A second state_open in a process whose first connection is still open
 * (an API request's drain under its handler's) must leave the first
 * one's locks alone: closing any descriptor of the file drops them all,
 * and another process's close then took itself for the last connection
 * and removed the WAL the first still wrote to. */
START_TEST(second_open_keeps_the_first_ones_locks)
{
        char wal[PATH_MAX + 80];
        struct state *st1 = open_state(), *st2;
        pid_t pid;
        int status;

        snprintf(wal, sizeof(wal), "%s-wal", db_path);
        record(st1, 1000, "first", "updated", D1, D2, NULL);
        st2 = open_state();
        state_close(st2);
        /* another process: exec'd, as a fork would share SQLite's own
         * notion of this process's locks */
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                execl("/usr/bin/python3", "python3", "-c",
                      "import sqlite3, sys\n"
                      "d = sqlite3.connect(sys.argv[1])\n"
                      "d.execute('SELECT count(*) FROM history').fetchall()\n"
                      "d.close()\n", db_path, (char *)NULL);
                _exit(127);
        }
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        ck_assert_msg(access(wal, F_OK) == 0, "another process's close removed the WAL of an open connection");
        record(st1, 1001, "second", "updated", D2, D3, NULL);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history"), 2);
        state_close(st1);
}
END_TEST

START_TEST(state_dir_under_a_file)
{
        struct state *st = (struct state *)&st;
        char path[PATH_MAX + 16];
        int fd;

        snprintf(path, sizeof(path), "%s/file", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
        ck_assert_int_ge(fd, 0);
        close(fd);
        strcat(path, "/state");
        ck_assert_int_eq(state_open(path, &st), -ENOTDIR);
        ck_assert_ptr_null(st);
}
END_TEST

/* Root writes anywhere, so the attempt runs as nobody when we are root. */
START_TEST(state_dir_read_only)
{
        char path[PATH_MAX + 16];
        pid_t pid;
        int status;

        ck_assert_int_eq(chmod(dir, 0755), 0);
        snprintf(path, sizeof(path), "%s/ro", dir);
        ck_assert_int_eq(mkdir(path, 0555), 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct state *st = NULL;
                char sub[PATH_MAX + 32];
                int r1, r2;

                if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
                        _exit(10);
                r1 = state_open(path, &st);
                snprintf(sub, sizeof(sub), "%s/missing/deeper", path);
                r2 = state_open(sub, &st);
                _exit(r1 == -EACCES && r2 == -EACCES && !st ? 0 : 11);
        }
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
        ck_assert_int_ne(access(db_path, F_OK), 0);
}
END_TEST

/* when to deploy: held jobs, one per source and tag */
static int count_held(const struct held_row *row, void *userdata)
{
        (void)row;
        (*(int *)userdata)++;
        return 0;
}

START_TEST(held_jobs)
{
        struct state *st = open_state();
        char replaced[64];
        int n = 0;

        ck_assert_int_eq(state_hold(st, &(struct held_row){ .job = "j1", .source = "s", .tag = "r/a:t",
                                                            .digest = D1, .not_before = 100, .reason = "why" },
                                    replaced, sizeof(replaced)), 0);
        ck_assert_str_eq(replaced, "");
        /* the same job again: its new time, nothing replaced */
        ck_assert_int_eq(state_hold(st, &(struct held_row){ .job = "j1", .source = "s", .tag = "r/a:t",
                                                            .not_before = 150, .reason = "why" },
                                    replaced, sizeof(replaced)), 0);
        ck_assert_str_eq(replaced, "");
        /* a newer push of the tag replaces it; another source's does not */
        ck_assert_int_eq(state_hold(st, &(struct held_row){ .job = "j2", .source = "s", .tag = "r/a:t",
                                                            .digest = D2, .not_before = 200, .reason = "why" },
                                    replaced, sizeof(replaced)), 0);
        ck_assert_str_eq(replaced, "j1");
        ck_assert_int_eq(state_hold(st, &(struct held_row){ .job = "j3", .source = "other", .tag = "r/a:t",
                                                            .not_before = 300, .reason = "why" },
                                    replaced, sizeof(replaced)), 0);
        ck_assert_str_eq(replaced, "");
        ck_assert_int_eq(state_each_held(st, 0, count_held, &n), 0);
        ck_assert_int_eq(n, 2);
        n = 0;
        ck_assert_int_eq(state_each_held(st, 250, count_held, &n), 0);     /* due by 250: j2 only */
        ck_assert_int_eq(n, 1);
        ck_assert_int_eq(state_unhold(st, "j2"), 0);
        n = 0;
        ck_assert_int_eq(state_each_held(st, 250, count_held, &n), 0);
        ck_assert_int_eq(n, 0);
        state_close(st);
}
END_TEST

START_TEST(first_seen_kept)
{
        struct state *st = open_state();
        long long t = 0;

        ck_assert_int_eq(state_first_seen(st, "r/a", D1, 1000, &t), 0);
        ck_assert_int_eq(t, 1000);
        ck_assert_int_eq(state_first_seen(st, "r/a", D1, 2000, &t), 0);
        ck_assert_int_eq(t, 1000);      /* the first time stays */
        ck_assert_int_eq(state_first_seen(st, "r/a", D2, 2000, &t), 0);
        ck_assert_int_eq(t, 2000);
        /* not pruned with the claims */
        ck_assert_int_eq(state_prune(st, 1, 10), 0);
        ck_assert_int_eq(state_first_seen(st, "r/a", D1, 3000, &t), 0);
        ck_assert_int_eq(t, 1000);
        state_close(st);
}
END_TEST

START_TEST(refused_digests)
{
        struct state *st = open_state();
        char reason[64];
        long long when = 0;

        ck_assert_int_eq(state_refused(st, "web", D1, reason, sizeof(reason), &when), 0);
        ck_assert_int_eq(state_refuse(st, "web", D1, "unhealthy"), 0);
        ck_assert_int_eq(state_refused(st, "web", D1, reason, sizeof(reason), &when), 1);
        ck_assert_str_eq(reason, "unhealthy");
        ck_assert(when > 0);
        /* another digest, another container: not refused */
        ck_assert_int_eq(state_refused(st, "web", D2, reason, sizeof(reason), &when), 0);
        ck_assert_int_eq(state_refused(st, "api", D1, reason, sizeof(reason), &when), 0);
        ck_assert_int_eq(state_refused_clear(st, "web"), 0);
        ck_assert_int_eq(state_refused(st, "web", D1, reason, sizeof(reason), &when), 0);
        state_close(st);
}
END_TEST

/* A database of schema 2 (before tag policies) gains old_image, its rows
 * keep NULL there; a move to another tag shows both references. */
START_TEST(history_old_image)
{
        const struct history_row moved = {
                .time = 1700000100, .source = "reg", .target = "web", .kind = "container",
                .image = "127.0.0.1:5000/team/app:1.3.0", .old_image = "127.0.0.1:5000/team/app:1.2.0",
                .outcome = "updated", .duration_ms = 5,
        };
        char *out;
        struct state *st;
        sqlite3 *db;

        ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
        ck_assert_int_eq(sqlite3_exec(db,
                "CREATE TABLE history(id INTEGER PRIMARY KEY, time INTEGER, source TEXT,"
                " event_id TEXT, target TEXT, kind TEXT, image TEXT, old_digest TEXT,"
                " new_digest TEXT, outcome TEXT, duration_ms INTEGER, error TEXT);"
                "CREATE INDEX history_target ON history(target, id);"
                "CREATE TABLE seen_id(source TEXT, tag TEXT, event_id TEXT, job TEXT, time INTEGER,"
                " PRIMARY KEY(source, tag, event_id)) WITHOUT ROWID;"
                "CREATE TABLE seen_tag(source TEXT, tag TEXT, digest TEXT, job TEXT, time INTEGER,"
                " PRIMARY KEY(source, tag)) WITHOUT ROWID;"
                "INSERT INTO history(time, target, kind, image, outcome, duration_ms)"
                " VALUES(1700000000, 'old', 'container', 'team/app:stable', 'updated', 1);"
                "PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(db);

        st = open_state();
        ck_assert_int_eq(raw_int("PRAGMA user_version"), 7);
        ck_assert_int_eq(raw_int("SELECT count(*) FROM history WHERE old_image IS NULL"), 1);
        ck_assert_int_eq(state_record(st, &moved), 0);
        out = capture(st, 0, false);
        ck_assert_msg(strstr(out, "127.0.0.1:5000/team/app:1.2.0 → 1.3.0"), "%s", out);
        ck_assert_msg(strstr(out, " team/app:stable "), "%s", out);
        free(out);
        out = capture(st, 1, true);
        ck_assert_msg(strstr(out, "\"image\":\"127.0.0.1:5000/team/app:1.3.0\",\"old_image\":\"127.0.0.1:5000/team/app:1.2.0\""),
                      "%s", out);
        free(out);
        state_close(st);
}
END_TEST

static Suite *state_suite(void)
{
        Suite *s = suite_create("state");
        TCase *tc = tcase_create("state");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, open_creates_wal_database);
        tcase_add_test(tc, open_refuses_newer_schema);
        tcase_add_test(tc, open_not_a_database);
        tcase_add_test(tc, claim_redelivery_by_event_id);
        tcase_add_test(tc, claim_event_id_is_per_tag);
        tcase_add_test(tc, claim_same_job_again);
        tcase_add_test(tc, claim_tag_moved_back);
        tcase_add_test(tc, claim_same_digest);
        tcase_add_test(tc, claim_needs_a_name);
        tcase_add_test(tc, claim_window_expires);
        tcase_add_test(tc, claim_forget);
        tcase_add_test(tc, claim_sources_do_not_collide);
        tcase_add_test(tc, history_table);
        tcase_add_test(tc, history_table_empty);
        tcase_add_test(tc, history_json);
        tcase_add_test(tc, history_filters);
        tcase_add_test(tc, each_target_newest_row);
        tcase_add_test(tc, outcomes_cover_update_outcome_name);
        tcase_add_test(tc, record_time_zero_is_now);
        tcase_add_test(tc, last_outcome);
        tcase_add_test(tc, prune);
        tcase_add_test(tc, two_processes_record);
        tcase_add_test(tc, second_open_keeps_the_first_ones_locks);
        tcase_add_test(tc, state_dir_under_a_file);
        tcase_add_test(tc, state_dir_read_only);
        tcase_add_test(tc, held_jobs);
        tcase_add_test(tc, first_seen_kept);
        tcase_add_test(tc, refused_digests);
        tcase_add_test(tc, history_old_image);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(state_suite)
