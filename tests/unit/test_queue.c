/* queue: the durable spool, in a temporary directory. */
#include "check_main.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "event.h"
#include "bounds.h"
#include "queue.h"

#define HEX32 "0123456789abcdef0123456789abcdef"
#define SHA512_HEX HEX32 HEX32 HEX32 HEX32

static char top[64];
static char qdir[128];          /* TOP/queue, created by queue_push */
static char sdir[128];          /* TOP/state */
static char baddir[160];        /* TOP/queue.bad */

static void setup(void)
{
        umask(022);
        strcpy(top, "/tmp/redock-queue-test-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(top));
        snprintf(qdir, sizeof(qdir), "%s/queue", top);
        snprintf(sdir, sizeof(sdir), "%s/state", top);
        snprintf(baddir, sizeof(baddir), "%s.bad", qdir);
}

static void teardown(void)
{
        rm_tree(top);
}

static void add_event(struct event_list *l, const char *registry, const char *repo,
                      const char *tag, const char *digest, const char *media_type,
                      const char *event_id)
{
        struct push_event ev;

        ck_assert_int_eq(push_event_set(&ev, registry, repo, tag, digest, media_type, event_id), 0);
        ck_assert_int_eq(event_list_add(l, &ev), 0);
}

/* n events: tag "t<i>", event id "id-<i>" */
static void n_events(struct event_list *l, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                char tag[32], id[32];
                snprintf(tag, sizeof(tag), "t%zu", i);
                snprintf(id, sizeof(id), "id-%zu", i);
                add_event(l, "127.0.0.1:5000", "team/app", tag, NULL, NULL, id);
        }
}

static void write_file(const char *dir, const char *name, const char *text)
{
        char path[PATH_MAX];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        ck_assert_int_eq(fclose(f), 0);
}

static bool exists(const char *dir, const char *name)
{
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        return access(path, F_OK) == 0;
}

/* Every entry of dir other than . and .., counted; fails on temp files. */
static size_t entries_without_tmp(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        ck_assert_ptr_nonnull(d);
        while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                ck_assert_msg(strncmp(de->d_name, ".tmp-", 5) != 0, "%s left behind", de->d_name);
                n++;
        }
        closedir(d);
        return n;
}

START_TEST(push_list_read)
{
        struct event_list l = {0};
        char **names;
        size_t n;
        struct job job;
        time_t t0 = time(NULL), t1;

        add_event(&l, "127.0.0.1:5000", "team/app", "stable",
                  "sha256:4bcdffd70da292293d059d2435c7056711fab2655f8b74f48ad0abe042b63687",
                  "application/vnd.oci.image.index.v1+json", "ev-1");
        add_event(&l, "docker.io", "library/nginx", "1.25", NULL, NULL, NULL);
        add_event(&l, "", "a/b/c", "v_1.0-rc", "sha512:" SHA512_HEX, "x", "ev-3");
        ck_assert_int_eq(queue_push(qdir, "reg", &l), 3);
        t1 = time(NULL);

        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_uint_eq(n, 3);
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(names[i]);
                ck_assert_uint_gt(len, 4);
                ck_assert_str_eq(names[i] + len - 4, ".job");
        }

        ck_assert_int_eq(queue_read(qdir, names[0], &job), 0);
        ck_assert_str_eq(job.name, names[0]);
        ck_assert_str_eq(job.source, "reg");
        ck_assert_str_eq(job.ev.registry, "127.0.0.1:5000");
        ck_assert_str_eq(job.ev.repository, "team/app");
        ck_assert_str_eq(job.ev.tag, "stable");
        ck_assert_str_eq(job.ev.digest, "sha256:4bcdffd70da292293d059d2435c7056711fab2655f8b74f48ad0abe042b63687");
        ck_assert_str_eq(job.ev.media_type, "application/vnd.oci.image.index.v1+json");
        ck_assert_str_eq(job.ev.event_id, "ev-1");
        ck_assert_int_ge(job.received, t0);
        ck_assert_int_le(job.received, t1);

        ck_assert_int_eq(queue_read(qdir, names[1], &job), 0);
        ck_assert_str_eq(job.source, "reg");
        ck_assert_str_eq(job.ev.registry, "docker.io");
        ck_assert_str_eq(job.ev.repository, "library/nginx");
        ck_assert_str_eq(job.ev.tag, "1.25");
        ck_assert_str_eq(job.ev.digest, "");
        ck_assert_str_eq(job.ev.media_type, "");
        ck_assert_str_eq(job.ev.event_id, "");

        ck_assert_int_eq(queue_read(qdir, names[2], &job), 0);
        ck_assert_str_eq(job.ev.registry, "");
        ck_assert_str_eq(job.ev.repository, "a/b/c");
        ck_assert_str_eq(job.ev.tag, "v_1.0-rc");
        ck_assert_str_eq(job.ev.digest, "sha512:" SHA512_HEX);
        ck_assert_str_eq(job.ev.event_id, "ev-3");

        /* only the three jobs, no temporary file, modes as documented */
        ck_assert_uint_eq(entries_without_tmp(qdir), 3);
        {
                struct stat st;
                char path[PATH_MAX];
                ck_assert_int_eq(stat(qdir, &st), 0);
                ck_assert_int_eq(st.st_mode & 07777, 0750);
                snprintf(path, sizeof(path), "%s/%s", qdir, names[0]);
                ck_assert_int_eq(stat(path, &st), 0);
                ck_assert_int_eq(st.st_mode & 07777, 0640);
        }
        queue_names_free(names, n);
        event_list_free(&l);
}
END_TEST

START_TEST(oldest_first)
{
        struct event_list a = {0}, b = {0};
        char **names;
        size_t n;
        struct job job;

        /* more than ten in one push, so an unpadded index would sort
         * "-10" before "-2" */
        n_events(&a, 12);
        add_event(&b, "127.0.0.1:5000", "team/app", "later", NULL, NULL, "id-b");
        ck_assert_int_eq(queue_push(qdir, "first", &a), 12);
        ck_assert_int_eq(queue_push(qdir, "second", &b), 1);

        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_uint_eq(n, 13);
        for (size_t i = 0; i < 12; i++) {
                char tag[32];
                snprintf(tag, sizeof(tag), "t%zu", i);
                ck_assert_int_eq(queue_read(qdir, names[i], &job), 0);
                ck_assert_str_eq(job.source, "first");
                ck_assert_msg(strcmp(job.ev.tag, tag) == 0, "job %zu is %s", i, job.ev.tag);
        }
        ck_assert_int_eq(queue_read(qdir, names[12], &job), 0);
        ck_assert_str_eq(job.source, "second");
        ck_assert_str_eq(job.ev.tag, "later");
        queue_names_free(names, n);
        event_list_free(&a);
        event_list_free(&b);
}
END_TEST

START_TEST(most_events)
{
        struct event_list l = {0};
        char **names;
        size_t n;
        struct job job;

        n_events(&l, EVENTS_MAX);
        ck_assert_int_eq(queue_push(qdir, "reg", &l), EVENTS_MAX);
        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_uint_eq(n, EVENTS_MAX);
        ck_assert_int_eq(queue_read(qdir, names[EVENTS_MAX - 1], &job), 0);
        ck_assert_str_eq(job.ev.event_id, "id-255");
        ck_assert_int_eq(queue_read(qdir, names[100], &job), 0);
        ck_assert_str_eq(job.ev.event_id, "id-100");
        ck_assert_uint_eq(entries_without_tmp(qdir), EVENTS_MAX);
        queue_names_free(names, n);
        event_list_free(&l);
}
END_TEST

START_TEST(list_edges)
{
        struct event_list l = {0};
        char **names;
        size_t n = 99;

        /* no queue yet: empty, not an error */
        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_uint_eq(n, 0);
        queue_names_free(names, n);

        /* no events: nothing written, the directory made */
        ck_assert_int_eq(queue_push(qdir, "reg", &l), 0);
        ck_assert_uint_eq(entries_without_tmp(qdir), 0);

        /* what is not a job is not listed */
        write_file(qdir, "README", "hello");
        write_file(qdir, ".tmp-1.job", "{}");
        write_file(qdir, "x.jobs", "{}");
        write_file(qdir, ".job", "{}");
        n_events(&l, 1);
        ck_assert_int_eq(queue_push(qdir, "reg", &l), 1);
        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_ptr_null(strstr(names[0], "tmp"));
        queue_names_free(names, n);
        event_list_free(&l);
}
END_TEST

START_TEST(push_fails)
{
        struct event_list l = {0};
        char path[192];

        n_events(&l, 2);
        /* the queue "directory" is a file */
        ck_assert_int_eq(mkdir(qdir, 0750), 0);
        write_file(qdir, "file", "x");
        snprintf(path, sizeof(path), "%s/file", qdir);
        ck_assert_int_eq(queue_push(path, "reg", &l), -ENOTDIR);
        snprintf(path, sizeof(path), "%s/file/sub", qdir);
        ck_assert_int_eq(queue_push(path, "reg", &l), -ENOTDIR);
        event_list_free(&l);
}
END_TEST

START_TEST(remove_job)
{
        struct event_list l = {0};
        char **names, **after;
        size_t n, m;
        struct job job;

        n_events(&l, 3);
        ck_assert_int_eq(queue_push(qdir, "reg", &l), 3);
        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_int_eq(queue_remove(qdir, names[1]), 0);
        ck_assert(!exists(qdir, names[1]));
        ck_assert_int_eq(queue_read(qdir, names[1], &job), -ENOENT);
        /* a job another drain removed already is fine */
        ck_assert_int_eq(queue_remove(qdir, names[1]), 0);

        ck_assert_int_eq(queue_list(qdir, &after, &m), 0);
        ck_assert_uint_eq(m, 2);
        ck_assert_str_eq(after[0], names[0]);
        ck_assert_str_eq(after[1], names[2]);
        /* -ENOENT is not "corrupt": nothing moved aside */
        ck_assert_int_eq(access(baddir, F_OK), -1);
        queue_names_free(after, m);
        queue_names_free(names, n);
        event_list_free(&l);
}
END_TEST

static void corrupt(const char *name, const char *text)
{
        struct job job;
        char path[PATH_MAX], buf[256] = "";
        FILE *f;

        write_file(qdir, name, text);
        ck_assert_int_eq(queue_read(qdir, name, &job), -EBADMSG);
        ck_assert_msg(!exists(qdir, name), "%s still in the queue", name);
        ck_assert_msg(exists(baddir, name), "%s not in %s", name, baddir);
        snprintf(path, sizeof(path), "%s/%s", baddir, name);
        f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fread(buf, 1, sizeof(buf) - 1, f), strlen(text));
        fclose(f);
        ck_assert_str_eq(buf, text);
}

START_TEST(corrupt_jobs)
{
        struct event_list l = {0};
        char **names;
        size_t n;

        ck_assert_int_eq(mkdir(qdir, 0750), 0);
        corrupt("1-garbage.job", "not json at all");
        corrupt("2-empty.job", "");
        corrupt("3-truncated.job", "{\"version\":1,\"source\":\"reg\",\"regis");
        corrupt("4-array.job", "[1,2]");
        corrupt("5-nosource.job", "{\"version\":1,\"registry\":\"r\",\"repository\":\"a\",\"tag\":\"t\"}");
        corrupt("6-badrepo.job", "{\"source\":\"reg\",\"registry\":\"r\",\"repository\":\"a//b\",\"tag\":\"t\"}");
        corrupt("7-notag.job", "{\"source\":\"reg\",\"registry\":\"r\",\"repository\":\"a\"}");
        corrupt("8-dupkeys.job", "{\"source\":\"reg\",\"registry\":\"r\",\"repository\":\"a\","
                                 "\"tag\":\"t\",\"tag\":\"u\"}");

        /* good jobs around them are untouched */
        n_events(&l, 2);
        ck_assert_int_eq(queue_push(qdir, "reg", &l), 2);
        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_uint_eq(n, 2);
        queue_names_free(names, n);
        ck_assert_uint_eq(entries_without_tmp(baddir), 8);
        event_list_free(&l);
}
END_TEST

/* A job as queue_push writes it, its JSON padded with blanks after the
 * object to exactly size bytes. */
#define GOOD_JOB "{\"version\":1,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\"," \
                 "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\"," \
                 "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}"

static char *padded_job(size_t size)
{
        char *buf = malloc(size + 1);

        ck_assert_ptr_nonnull(buf);
        ck_assert_uint_ge(size, strlen(GOOD_JOB));
        memset(buf, ' ', size);
        memcpy(buf, GOOD_JOB, strlen(GOOD_JOB));
        buf[size] = '\0';
        return buf;
}

/* JOB_FILE_MAX bytes are a job, one more is not: in job_parse and in
 * queue_read, which moves the bigger one aside without parsing it. */
START_TEST(job_file_limit)
{
        char *n = padded_job(JOB_FILE_MAX), *n1 = padded_job(JOB_FILE_MAX + 1);
        struct job job;

        ck_assert_int_eq(job_parse(n, JOB_FILE_MAX, "a.job", &job), 0);
        ck_assert_str_eq(job.ev.repository, "team/app");
        ck_assert_int_eq(job_parse(n1, JOB_FILE_MAX + 1, "a.job", &job), -EFBIG);
        ck_assert_int_eq(mkdir(qdir, 0750), 0);
        write_file(qdir, "1-n.job", n);
        write_file(qdir, "2-n1.job", n1);
        ck_assert_int_eq(queue_read(qdir, "1-n.job", &job), 0);
        ck_assert_str_eq(job.source, "reg");
        ck_assert_int_eq(queue_read(qdir, "2-n1.job", &job), -EFBIG);
        ck_assert(exists(baddir, "2-n1.job"));
        ck_assert(!exists(qdir, "2-n1.job"));
        free(n);
        free(n1);
}
END_TEST

/* What is not a regular file of one link is refused by what it is, at
 * once (a FIFO with no writer would block a plain open for ever), and
 * moved aside: the FIFO, a symbolic link to a good job, a hard link of
 * one, a directory. */
START_TEST(job_file_kinds)
{
        char path[PATH_MAX], target[PATH_MAX];
        struct job job;

        ck_assert_int_eq(mkdir(qdir, 0750), 0);
        write_file(top, "good", GOOD_JOB);
        snprintf(target, sizeof(target), "%s/good", top);
        snprintf(path, sizeof(path), "%s/1-fifo.job", qdir);
        ck_assert_int_eq(mkfifo(path, 0600), 0);
        snprintf(path, sizeof(path), "%s/2-link.job", qdir);
        ck_assert_int_eq(symlink(target, path), 0);
        snprintf(path, sizeof(path), "%s/3-hard.job", qdir);
        ck_assert_int_eq(link(target, path), 0);
        snprintf(path, sizeof(path), "%s/4-dir.job", qdir);
        ck_assert_int_eq(mkdir(path, 0700), 0);
        write_file(path, "x", "y");

        alarm(10);      /* a blocking open fails the test instead of hanging it */
        ck_assert_int_eq(queue_read(qdir, "1-fifo.job", &job), -EPROTOTYPE);
        ck_assert_int_eq(queue_read(qdir, "2-link.job", &job), -ELOOP);
        ck_assert_int_eq(queue_read(qdir, "3-hard.job", &job), -EMLINK);
        ck_assert_int_eq(queue_read(qdir, "4-dir.job", &job), -EISDIR);
        alarm(0);
        ck_assert(exists(baddir, "1-fifo.job") && exists(baddir, "2-link.job") &&
                  exists(baddir, "3-hard.job") && exists(baddir, "4-dir.job"));
        ck_assert_uint_eq(entries_without_tmp(qdir), 0);
        /* the link's target and the hard link's other name are untouched */
        ck_assert(exists(top, "good"));
        ck_assert_str_eq(queue_read_strerror(-ELOOP), "a symbolic link");
}
END_TEST

static void parse_refused(const char *text)
{
        struct job job;

        ck_assert_msg(job_parse(text, strlen(text), "x.job", &job) == -EBADMSG, "accepted: %s", text);
        ck_assert_str_eq(job.source, "");
}

/* Exactly the members queue_push writes, each of its type and grammar. */
START_TEST(job_fields_strict)
{
        struct job job;

        ck_assert_int_eq(job_parse(GOOD_JOB, strlen(GOOD_JOB), "x.job", &job), 0);
        parse_refused("{\"version\":2,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        parse_refused("{\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        /* an unknown member, a missing one, one of another type */
        parse_refused("{\"version\":1,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1,\"x\":1}");
        parse_refused("{\"version\":1,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"received\":1}");
        parse_refused("{\"version\":1,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":[],\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        /* a source that would forge a log line, a digest with anything
         * before ':', an uppercase repository */
        parse_refused("{\"version\":1,\"source\":\"reg\\n<3>x\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        parse_refused("{\"version\":1,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"x y:" HEX32 HEX32 "\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        parse_refused("{\"version\":1,\"source\":\"reg\",\"registry\":\"127.0.0.1:5000\","
                      "\"repository\":\"Team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        parse_refused("{\"version\":1,\"source\":\"reg\",\"registry\":\"evil host\","
                      "\"repository\":\"team/app\",\"tag\":\"stable\",\"digest\":\"\","
                      "\"media_type\":\"\",\"event_id\":\"\",\"received\":1}");
        parse_refused("[[],[],[]]");
        parse_refused("");
}
END_TEST

START_TEST(lock)
{
        char path[192];
        int fd, fd2;
        struct stat st;

        fd = queue_lock(sdir, false);
        ck_assert_int_ge(fd, 0);
        snprintf(path, sizeof(path), "%s/queue.lock", sdir);
        ck_assert_int_eq(stat(path, &st), 0);
        /* never in the queue, or it would never look empty */
        ck_assert_int_eq(access(qdir, F_OK), -1);

        /* flock is per open file description: a second open conflicts */
        ck_assert_int_eq(queue_lock(sdir, false), -EWOULDBLOCK);
        ck_assert_int_eq(queue_lock(sdir, false), -EWOULDBLOCK);

        /* and so does another process */
        {
                pid_t pid = fork();
                int status;

                ck_assert_int_ge(pid, 0);
                if (pid == 0) {
                        close(fd);      /* the child's copy shares the lock */
                        _exit(queue_lock(sdir, false) == -EWOULDBLOCK ? 0 : 1);
                }
                ck_assert_int_eq(waitpid(pid, &status, 0), pid);
                ck_assert(WIFEXITED(status));
                ck_assert_int_eq(WEXITSTATUS(status), 0);
        }

        close(fd);
        fd2 = queue_lock(sdir, false);
        ck_assert_int_ge(fd2, 0);
        close(fd2);
}
END_TEST

START_TEST(lock_waits)
{
        int fd = queue_lock(sdir, false), status;
        pid_t pid;

        ck_assert_int_ge(fd, 0);
        pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                close(fd);
                /* blocks until the parent lets go */
                _exit(queue_lock(sdir, true) >= 0 ? 0 : 1);
        }
        close(fd);
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static void set_age(const char *dir, const char *name, time_t seconds)
{
        struct timespec ts[2];

        clock_gettime(CLOCK_REALTIME, &ts[0]);
        ts[0].tv_sec -= seconds;
        ts[1] = ts[0];
        {
                char path[PATH_MAX];
                snprintf(path, sizeof(path), "%s/%s", dir, name);
                ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW), 0);
        }
}

START_TEST(clean_stale)
{
        ck_assert_int_eq(mkdir(qdir, 0750), 0);
        write_file(qdir, ".tmp-old.job", "{");
        write_file(qdir, ".tmp-fresh.job", "{");
        write_file(qdir, ".tmp-edge.job", "{");
        write_file(qdir, "1-old.job", "{}");
        write_file(qdir, ".other-old", "x");
        set_age(qdir, ".tmp-old.job", 120);
        set_age(qdir, ".tmp-edge.job", 30);
        set_age(qdir, "1-old.job", 3600);
        set_age(qdir, ".other-old", 3600);

        queue_clean_stale(qdir);
        ck_assert(!exists(qdir, ".tmp-old.job"));
        ck_assert(exists(qdir, ".tmp-fresh.job"));
        ck_assert(exists(qdir, ".tmp-edge.job"));
        /* only temporary files: an old job is a job */
        ck_assert(exists(qdir, "1-old.job"));
        ck_assert(exists(qdir, ".other-old"));

        /* no queue directory: nothing to do, no crash */
        teardown();
        queue_clean_stale(qdir);
}
END_TEST

START_TEST(long_source)
{
        struct event_list l = {0};
        char source[SOURCE_NAME_MAX + 1];
        char **names;
        size_t n;
        struct job job;

        memset(source, 's', SOURCE_NAME_MAX);
        source[SOURCE_NAME_MAX] = '\0';
        n_events(&l, 1);
        ck_assert_int_eq(queue_push(qdir, source, &l), 1);
        ck_assert_int_eq(queue_list(qdir, &names, &n), 0);
        ck_assert_int_eq(queue_read(qdir, names[0], &job), 0);
        ck_assert_str_eq(job.source, source);
        queue_names_free(names, n);
        event_list_free(&l);
}
END_TEST

static Suite *queue_suite(void)
{
        Suite *s = suite_create("queue");
        TCase *tc = tcase_create("core");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, push_list_read);
        tcase_add_test(tc, oldest_first);
        tcase_add_test(tc, most_events);
        tcase_add_test(tc, list_edges);
        tcase_add_test(tc, push_fails);
        tcase_add_test(tc, remove_job);
        tcase_add_test(tc, corrupt_jobs);
        tcase_add_test(tc, job_file_limit);
        tcase_add_test(tc, job_file_kinds);
        tcase_add_test(tc, job_fields_strict);
        tcase_add_test(tc, lock);
        tcase_add_test(tc, lock_waits);
        tcase_add_test(tc, clean_stale);
        tcase_add_test(tc, long_source);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(queue_suite)
