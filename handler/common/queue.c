/* queue: durable spool of jobs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "fsutil.h"
#include "bounds.h"
#include "lock.h"
#include "log.h"
#include "queue.h"

#define JOB_SUFFIX ".job"
#define JOB_VERSION 1
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#ifndef EFTYPE
#define EFTYPE EPROTOTYPE       /* Linux has no EFTYPE: "wrong type" */
#endif

_Static_assert(EVENTS_MAX < 10000, "job names pad the event index to 4 digits");
#define TMP_PREFIX ".tmp-"

static char *job_json(const char *source, const struct push_event *ev)
{
        json_t *j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}",
                              "version", JOB_VERSION, "source", source,
                              "registry", ev->registry, "repository", ev->repository,
                              "tag", ev->tag, "digest", ev->digest,
                              "media_type", ev->media_type, "event_id", ev->event_id,
                              "received", (json_int_t)time(NULL));
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

        json_decref(j);
        return s;
}

int queue_push(const char *dir, const char *source, const struct event_list *events)
{
        struct timespec ts;
        char tmpdir[PATH_MAX];
        int dirfd, tmpfd, r;
        size_t i;

        /* Temporary files live in DIR.tmp, beside the queue on the same
         * file system: in the queue itself a half-written one would make
         * the drain path unit (DirectoryNotEmpty=) fire for nothing. */
        if (snprintf(tmpdir, sizeof(tmpdir), "%s.tmp", dir) >= (int)sizeof(tmpdir))
                return -ENAMETOOLONG;
        r = mkdir_p(dir, 0750);
        if (r == 0)
                r = mkdir_p(tmpdir, 0750);
        if (r < 0)
                return r;
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
        tmpfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (tmpfd < 0) {
                r = -errno;
                close(dirfd);
                return r;
        }
        clock_gettime(CLOCK_REALTIME, &ts);

        for (i = 0; i < events->n; i++) {
                char tmp[NAME_MAX + 16], name[NAME_MAX + 1];
                char *data = job_json(source, &events->v[i]);

                if (!data) {
                        r = -ENOMEM;
                        break;
                }
                /* time first, so names sort oldest first; the index
                 * padded (EVENTS_MAX < 10000), or "-10" sorts before "-2" */
                snprintf(name, sizeof(name), "%lld%09ld-%d-%04zu" JOB_SUFFIX,
                         (long long)ts.tv_sec, ts.tv_nsec, (int)getpid(), i);
                snprintf(tmp, sizeof(tmp), TMP_PREFIX "%s", name);
                r = write_file_at(tmpfd, tmp, dirfd, name, data, strlen(data), 0640);
                free(data);
                if (r < 0)
                        break;
        }
        close(tmpfd);
        close(dirfd);
        if (r == 0)
                r = fsync_dir(dir);
        return r < 0 ? r : (int)i;
}

int queue_usage(const char *dir, long max_jobs, long long max_bytes, long *jobs, long long *bytes)
{
        DIR *d = opendir(dir);
        struct dirent *de;

        *jobs = 0;
        *bytes = 0;
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        /* every entry counts, whatever it is; the count stops past the
         * limits, so a full inbox costs no more than that to look at */
        while (*jobs <= max_jobs && *bytes <= max_bytes && (de = readdir(d))) {
                struct stat st;

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                (*jobs)++;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                        *bytes += st.st_size;
        }
        closedir(d);
        return 0;
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

int queue_list(const char *dir, char ***names, size_t *n)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        char **v = NULL;
        size_t cnt = 0;

        *names = NULL;
        *n = 0;
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                char **nv;

                if (de->d_name[0] == '.' || l <= strlen(JOB_SUFFIX) ||
                    strcmp(de->d_name + l - strlen(JOB_SUFFIX), JOB_SUFFIX) != 0)
                        continue;
                nv = reallocarray(v, cnt + 1, sizeof(char *));
                if (!nv || !(nv[cnt] = strdup(de->d_name))) {
                        v = nv ? nv : v;
                        queue_names_free(v, cnt);
                        closedir(d);
                        return -ENOMEM;
                }
                v = nv;
                cnt++;
        }
        closedir(d);
        if (cnt)        /* qsort(NULL, 0, ...) is undefined */
                qsort(v, cnt, sizeof(char *), cmp_names);
        *names = v;
        *n = cnt;
        return 0;
}

void queue_names_free(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

/* A file that is not a job goes to DIR.bad/ for a human to look at; left
 * in the queue it would make the drain path unit fire for ever.  Any kind
 * of entry is moved (a directory too), under a name that replaces
 * nothing there.  Returns 0 moved, 1 removed instead, -errno when it is
 * still there (logged). */
int queue_move_aside(const char *dir, const char *name)
{
        char from[PATH_MAX], bad[PATH_MAX], to[PATH_MAX];
        struct timespec ts;
        int r;

        if (snprintf(from, sizeof(from), "%s/%s", dir, name) >= (int)sizeof(from) ||
            snprintf(bad, sizeof(bad), "%s.bad", dir) >= (int)sizeof(bad))
                return -ENAMETOOLONG;
        if (mkdir(bad, 0750) < 0 && errno != EEXIST)
                log_msg(LOG_WARNING, "cannot create %s: %s", bad, strerror(errno));
        if (snprintf(to, sizeof(to), "%s/%s", bad, name) >= (int)sizeof(to))
                return -ENAMETOOLONG;
        r = renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
        if (r < 0 && (errno == EEXIST || errno == ENOTEMPTY)) {
                clock_gettime(CLOCK_REALTIME, &ts);
                if (snprintf(to, sizeof(to), "%s/%.200s.%lld%09ld", bad, name,
                             (long long)ts.tv_sec, ts.tv_nsec) >= (int)sizeof(to))
                        return -ENAMETOOLONG;
                r = renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
        }
        if (r == 0)
                return 0;
        if (errno == ENOENT)
                return 1;       /* gone meanwhile: nothing left here */
        r = -errno;
        /* another file system, or a directory we may not move: remove it
         * when we can (an empty directory, any other entry) */
        if (unlink(from) == 0 || rmdir(from) == 0)
                return 1;
        log_msg(LOG_ERR, "cannot move %s aside to %s (%s) nor remove it (%s)", from, bad,
                strerror(-r), strerror(errno));
        return r;
}

const char *queue_read_strerror(int r)
{
        switch (r) {
        case -ELOOP:    return "a symbolic link";
        case -EISDIR:   return "a directory";
        case -EFTYPE:   return "not a regular file";
        case -EMLINK:   return "a file with another hard link";
        case -EFBIG:    return "larger than " STRINGIFY(JOB_FILE_MAX) " bytes";
        case -EBADMSG:  return "not a job";
        default:        return strerror(-r);
        }
}

/* Take one string member; every member the job has is read once, so
 * that unknown members can be refused. */
static const char *member(const json_t *j, const char *key, size_t *seen)
{
        const json_t *v = json_object_get(j, key);

        if (!json_is_string(v))
                return NULL;
        (*seen)++;
        return json_string_value(v);
}

int job_parse(const char *buf, size_t len, const char *name, struct job *job)
{
        json_t *j, *ver, *rec;
        const char *src, *reg, *repo, *tag, *dg, *mt, *id;
        size_t seen = 0;
        int r = -EBADMSG;

        memset(job, 0, sizeof(*job));
        if (len > JOB_FILE_MAX)
                return -EFBIG;
        /* a job is one flat object: depth 1, no duplicate keys (two
         * "tag" members have no single meaning) */
        j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(j))
                goto out;
        ver = json_object_get(j, "version");
        rec = json_object_get(j, "received");
        if (!json_is_integer(ver) || json_integer_value(ver) != JOB_VERSION ||
            !json_is_integer(rec) || json_integer_value(rec) < 0)
                goto out;
        src = member(j, "source", &seen);
        reg = member(j, "registry", &seen);
        repo = member(j, "repository", &seen);
        tag = member(j, "tag", &seen);
        dg = member(j, "digest", &seen);
        mt = member(j, "media_type", &seen);
        id = member(j, "event_id", &seen);
        if (seen != 7 || json_object_size(j) != seen + 2)
                goto out;       /* a member missing, of another type, or unknown */
        if (!source_name_valid(src) ||
            push_event_set(&job->ev, reg, repo, tag, dg, mt, id) < 0 ||
            snprintf(job->name, sizeof(job->name), "%s", name ? name : "") >= (int)sizeof(job->name))
                goto out;
        snprintf(job->source, sizeof(job->source), "%s", src);
        job->received = json_integer_value(rec);
        r = 0;
out:
        json_decref(j);
        if (r < 0)
                memset(job, 0, sizeof(*job));
        return r;
}

/* The whole file, if it is a regular file of one link within
 * JOB_FILE_MAX.  Never follows a symbolic link and never blocks (a FIFO
 * opens at once with O_NONBLOCK and is then refused by its type). */
static int read_job_file(const char *path, char *buf, size_t *len)
{
        struct stat st;
        size_t n = 0;
        int fd, r = 0;

        fd = openat(AT_FDCWD, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENXIO ? -EFTYPE : -errno;     /* ENXIO: a socket */
        if (fstat(fd, &st) < 0)
                r = -errno;
        else if (S_ISDIR(st.st_mode))
                r = -EISDIR;
        else if (!S_ISREG(st.st_mode))
                r = -EFTYPE;
        else if (st.st_nlink != 1)
                r = -EMLINK;
        else if (st.st_size > JOB_FILE_MAX)
                r = -EFBIG;
        /* one byte more than the limit: a file that grew is refused too */
        while (r == 0 && n <= JOB_FILE_MAX) {
                ssize_t k = read(fd, buf + n, JOB_FILE_MAX + 1 - n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        r = -errno;
                else if (k == 0)
                        break;
                else
                        n += (size_t)k;
        }
        if (r == 0 && n > JOB_FILE_MAX)
                r = -EFBIG;
        close(fd);
        *len = n;
        return r;
}

int queue_read_job(const char *dir, const char *name, struct job *job)
{
        char path[PATH_MAX], buf[JOB_FILE_MAX + 1];
        size_t len = 0;
        int r;

        memset(job, 0, sizeof(*job));
        if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
                return -ENAMETOOLONG;
        r = read_job_file(path, buf, &len);
        if (r == 0)
                r = job_parse(buf, len, name, job);
        return r;
}

int queue_read(const char *dir, const char *name, struct job *job)
{
        int r = queue_read_job(dir, name, job);

        if (r < 0 && r != -ENOENT)      /* -ENOENT: another drain took it */
                queue_move_aside(dir, name);
        return r;
}

/* Rename name from DIR+from_sfx to DIR+to_sfx, both directories synced:
 * the job is in exactly one of them whatever happens. */
static int queue_rename(const char *dir, const char *from_sfx, const char *to_sfx, const char *name)
{
        char fdir[PATH_MAX], tdir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
        int r;

        if (snprintf(fdir, sizeof(fdir), "%s%s", dir, from_sfx) >= (int)sizeof(fdir) ||
            snprintf(tdir, sizeof(tdir), "%s%s", dir, to_sfx) >= (int)sizeof(tdir) ||
            snprintf(from, sizeof(from), "%s/%s", fdir, name) >= (int)sizeof(from) ||
            snprintf(to, sizeof(to), "%s/%s", tdir, name) >= (int)sizeof(to))
                return -ENAMETOOLONG;
        if (mkdir(tdir, 0750) < 0 && errno != EEXIST)
                return -errno;
        if (rename(from, to) < 0)
                return -errno;
        r = fsync_dir(tdir);
        return r < 0 ? r : fsync_dir(fdir);
}

int queue_hold(const char *dir, const char *name)
{
        return queue_rename(dir, "", ".held", name);
}

int queue_release(const char *dir, const char *name)
{
        return queue_rename(dir, ".held", "", name);
}

int queue_drop_held(const char *dir, const char *name)
{
        char hdir[PATH_MAX], path[PATH_MAX];

        if (snprintf(hdir, sizeof(hdir), "%s.held", dir) >= (int)sizeof(hdir) ||
            snprintf(path, sizeof(path), "%s/%s", hdir, name) >= (int)sizeof(path))
                return -ENAMETOOLONG;
        if (unlink(path) < 0)
                return -errno;
        return fsync_dir(hdir);
}

int queue_remove(const char *dir, const char *name)
{
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return fsync_dir(dir);
}

int queue_lock(const char *state_dir, bool wait)
{
        return lock_take(state_dir, "queue", wait);
}

static void clean_stale_in(const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        time_t now = time(NULL);

        if (!d)
                return;
        while ((de = readdir(d))) {
                struct stat st;
                if (strncmp(de->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    now - st.st_mtime > 60)
                        unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
}

void queue_clean_stale(const char *dir)
{
        char tmpdir[PATH_MAX];

        clean_stale_in(dir);            /* left by older versions */
        if (snprintf(tmpdir, sizeof(tmpdir), "%s.tmp", dir) < (int)sizeof(tmpdir))
                clean_stale_in(tmpdir);
}
