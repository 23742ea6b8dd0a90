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

#include "fsutil.h"
#include "lock.h"
#include "queue.h"

#define JOB_SUFFIX ".job"

_Static_assert(EVENTS_MAX < 10000, "job names pad the event index to 4 digits");
#define TMP_PREFIX ".tmp-"

static int write_file_synced(int dirfd, const char *tmp, const char *data)
{
        size_t len = strlen(data);
        int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        int r = 0;

        if (fd < 0)
                return -errno;
        while (len) {
                ssize_t n = write(fd, data, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        break;
                }
                data += n;
                len -= (size_t)n;
        }
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

static char *job_json(const char *source, const struct push_event *ev)
{
        json_t *j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}",
                              "version", 1, "source", source,
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
                r = write_file_synced(tmpfd, tmp, data);
                free(data);
                if (r == 0 && renameat(tmpfd, tmp, dirfd, name) < 0)
                        r = -errno;
                if (r < 0) {
                        unlinkat(tmpfd, tmp, 0);
                        break;
                }
        }
        close(tmpfd);
        close(dirfd);
        if (r == 0)
                r = fsync_dir(dir);
        return r < 0 ? r : (int)i;
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
 * in the queue it would make the drain path unit fire for ever. */
static void move_aside(const char *dir, const char *name)
{
        char from[PATH_MAX], to[PATH_MAX];

        snprintf(from, sizeof(from), "%s/%s", dir, name);
        snprintf(to, sizeof(to), "%s.bad", dir);
        mkdir(to, 0750);
        snprintf(to, sizeof(to), "%s.bad/%s", dir, name);
        if (rename(from, to) < 0)
                unlink(from);
}

int queue_read(const char *dir, const char *name, struct job *job)
{
        char path[PATH_MAX];
        json_t *j;
        const char *src;
        int r = 0;

        memset(job, 0, sizeof(*job));
        if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
                return -ENAMETOOLONG;
        j = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
        if (!j) {
                if (access(path, F_OK) < 0)
                        return -ENOENT;         /* another drain took it */
                move_aside(dir, name);
                return -EBADMSG;
        }
        src = json_string_value(json_object_get(j, "source"));
        snprintf(job->name, sizeof(job->name), "%s", name);
        if (!src || strlen(src) >= sizeof(job->source) ||
            push_event_set(&job->ev,
                           json_string_value(json_object_get(j, "registry")),
                           json_string_value(json_object_get(j, "repository")),
                           json_string_value(json_object_get(j, "tag")),
                           json_string_value(json_object_get(j, "digest")),
                           json_string_value(json_object_get(j, "media_type")),
                           json_string_value(json_object_get(j, "event_id"))) < 0) {
                move_aside(dir, name);
                r = -EBADMSG;
        } else {
                strcpy(job->source, src);
                job->received = json_integer_value(json_object_get(j, "received"));
        }
        json_decref(j);
        return r;
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
