/* intake: split mode's inbox -> queue, every entry taken as hostile. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "intake.h"
#include "bounds.h"
#include "log.h"
#include "queue.h"

#define JOB_SUFFIX ".job"
/* how deep a directory moved aside may be when it is pruned */
#define PRUNE_DEPTH_MAX 16

struct entry {
        char *name;
        struct timespec mtime;
        const char *bad;        /* why it is not a job, or NULL */
};

static int cmp_oldest(const void *a, const void *b)
{
        const struct entry *x = a, *y = b;

        if (x->mtime.tv_sec != y->mtime.tv_sec)
                return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
        if (x->mtime.tv_nsec != y->mtime.tv_nsec)
                return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
        return strcmp(x->name, y->name);
}

/* What lstat says already rules out; queue_read_job decides the rest on
 * the file it opened (the entry may be swapped meanwhile). */
static const char *not_a_job(const char *name, const struct stat *st)
{
        size_t l = strlen(name);

        if (name[0] == '.' || l <= strlen(JOB_SUFFIX) ||
            strcmp(name + l - strlen(JOB_SUFFIX), JOB_SUFFIX) != 0)
                return "not named *.job";
        if (S_ISLNK(st->st_mode))
                return "a symbolic link";
        if (S_ISDIR(st->st_mode))
                return "a directory";
        if (!S_ISREG(st->st_mode))
                return "not a regular file";
        if (st->st_nlink != 1)
                return "a file with another hard link";
        if (st->st_size > JOB_FILE_MAX)
                return "larger than a job can be";
        return NULL;
}

static void entries_free(struct entry *v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i].name);
        free(v);
}

/* Every entry of dir (at most INBOX_SCAN_MAX), with its mtime and, for
 * those that cannot be jobs, why.  0 or -errno. */
static int list_entries(const char *dir, struct entry **out, size_t *n_out)
{
        DIR *d = opendir(dir);
        struct dirent *de;
        struct entry *v = NULL;
        size_t n = 0, cap = 0;

        *out = NULL;
        *n_out = 0;
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while (n < INBOX_SCAN_MAX && (de = readdir(d))) {
                struct stat st;

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;       /* gone meanwhile */
                if (n == cap) {
                        size_t c = cap ? cap * 2 : 64;
                        struct entry *nv = reallocarray(v, c, sizeof(*v));
                        if (!nv)
                                goto nomem;
                        v = nv;
                        cap = c;
                }
                v[n].name = strdup(de->d_name);
                if (!v[n].name)
                        goto nomem;
                v[n].mtime = st.st_mtim;
                v[n].bad = not_a_job(de->d_name, &st);
                n++;
        }
        closedir(d);
        if (n)
                qsort(v, n, sizeof(*v), cmp_oldest);
        *out = v;
        *n_out = n;
        return 0;
nomem:
        closedir(d);
        entries_free(v, n);
        return -ENOMEM;
}

/* Log what became of an entry that is not a job. */
static void set_aside(const struct config *cfg, const char *name, const char *why)
{
        int r = queue_move_aside(cfg->inbox_dir, name);

        if (r == 0)
                log_msg(LOG_WARNING, "inbox entry %s/%s is %s; moved to %s.bad", cfg->inbox_dir, name,
                        why, cfg->inbox_dir);
        else if (r == 1)
                log_msg(LOG_WARNING, "inbox entry %s/%s is %s; removed", cfg->inbox_dir, name, why);
        else
                log_msg(LOG_ERR, "inbox entry %s/%s is %s, and it stays in the inbox: %s",
                        cfg->inbox_dir, name, why, strerror(-r));
}

/* One inbox entry that looked like a job.  Returns 1 queued, 0 not a
 * job (set aside) or gone, -errno when it could not be queued (it stays
 * in the inbox). */
static int take_one(const struct config *cfg, const char *name)
{
        char path[PATH_MAX];
        struct job job;
        int r;

        r = queue_read_job(cfg->inbox_dir, name, &job);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                set_aside(cfg, name, queue_read_strerror(r));
                return 0;
        }
        /* a job of our own, written from the fields read: the writer's
         * file (its inode, its mode, its links) never enters the queue */
        r = queue_push(cfg->queue_dir, job.source,
                       &(struct event_list){ .v = &job.ev, .n = 1, .cap = 1 });
        if (r < 0)
                return r;
        if (snprintf(path, sizeof(path), "%s/%s", cfg->inbox_dir, name) < (int)sizeof(path) &&
            unlink(path) < 0 && errno != ENOENT)
                /* it would be queued again next time: a repeated
                 * delivery, which the drain drops */
                log_msg(LOG_ERR, "queued %s, but cannot remove it from the inbox: %s",
                        path, strerror(errno));
        return 1;
}

/* Remove dirfd/name, a directory with what it holds too, never
 * following a link, at most *budget entries. */
static int remove_tree_at(int at, const char *name, int depth, int *budget)
{
        DIR *d;
        struct dirent *de;
        int fd;

        if (--*budget < 0)
                return -E2BIG;
        if (unlinkat(at, name, 0) == 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR && errno != EPERM)
                return -errno;
        if (depth >= PRUNE_DEPTH_MAX)
                return -ELOOP;
        fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -ENOMEM;
        }
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
                        remove_tree_at(dirfd(d), de->d_name, depth + 1, budget);
        closedir(d);
        return unlinkat(at, name, AT_REMOVEDIR) == 0 ? 0 : -errno;
}

/* Keep dir within max_count entries, none older than max_age_s. */
static void prune(const char *dir, time_t max_age_s, size_t max_count)
{
        struct entry *v;
        size_t n, removed = 0;
        time_t now = time(NULL);
        int dfd, budget = 100000;

        if (list_entries(dir, &v, &n) < 0 || n == 0)
                return;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        for (size_t i = 0; dfd >= 0 && i < n; i++) {
                /* oldest first: past the count, or past the age */
                if (n - i <= max_count && now - v[i].mtime.tv_sec <= max_age_s)
                        break;
                if (remove_tree_at(dfd, v[i].name, 0, &budget) == 0)
                        removed++;
        }
        if (removed)
                log_msg(LOG_INFO, "pruned %zu old entr%s from %s", removed, removed == 1 ? "y" : "ies", dir);
        if (dfd >= 0)
                close(dfd);
        entries_free(v, n);
}

static void prune_beside(const char *inbox)
{
        char path[PATH_MAX];

        if (snprintf(path, sizeof(path), "%s.bad", inbox) < (int)sizeof(path))
                prune(path, INBOX_BAD_MAX_AGE_S, INBOX_BAD_MAX_COUNT);
        /* a webhook writes there for milliseconds; older is a crash's */
        if (snprintf(path, sizeof(path), "%s.tmp", inbox) < (int)sizeof(path))
                prune(path, INBOX_TMP_MAX_AGE_S, INBOX_BAD_MAX_COUNT);
}

int intake_inbox(const struct config *cfg, bool wait)
{
        struct entry *v;
        size_t n, taken = 0, left = 0;
        int r, lock, queued = 0;

        r = list_entries(cfg->inbox_dir, &v, &n);
        if (r < 0) {
                log_msg(LOG_ERR, "cannot list the inbox %s: %s", cfg->inbox_dir, strerror(-r));
                return r;
        }
        if (n == 0) {
                prune_beside(cfg->inbox_dir);
                return 0;
        }
        /* under the queue lock: the drain sees each job whole */
        lock = queue_lock(cfg->state_dir, wait);
        if (lock == -EWOULDBLOCK && !wait) {
                entries_free(v, n);
                return 0;
        }
        if (lock < 0) {
                log_msg(LOG_ERR, "cannot take the queue lock in %s: %s", cfg->state_dir, strerror(-lock));
                entries_free(v, n);
                return lock;
        }
        r = mkdir_p(cfg->queue_dir, 0750);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                int t;

                if (v[i].bad) {
                        set_aside(cfg, v[i].name, v[i].bad);
                        continue;
                }
                /* bounded: a flood waits for the next runs, oldest first */
                if (taken >= INTAKE_MAX_PER_PASS) {
                        left++;
                        continue;
                }
                taken++;
                t = take_one(cfg, v[i].name);
                if (t < 0) {
                        log_msg(LOG_ERR, "cannot queue %s/%s into %s: %s; it stays in the inbox",
                                cfg->inbox_dir, v[i].name, cfg->queue_dir, strerror(-t));
                        r = t;
                } else
                        queued += t;
        }
        fsync_dir(cfg->inbox_dir);
        if (queued)
                log_msg(LOG_INFO, "took %d job(s) from the inbox %s", queued, cfg->inbox_dir);
        if (left)
                log_msg(LOG_INFO, "%zu more job(s) in the inbox %s wait for the next run (at most %d a run)",
                        left, cfg->inbox_dir, INTAKE_MAX_PER_PASS);
        close(lock);
        entries_free(v, n);
        prune_beside(cfg->inbox_dir);
        return r < 0 ? r : queued;
}
