/* intake: split mode's inbox -> queue. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "intake.h"
#include "log.h"
#include "queue.h"

/* One inbox entry.  Returns 1 queued, 0 dropped or not there, -errno. */
static int take_one(const struct config *cfg, const char *name)
{
        char from[PATH_MAX], to[PATH_MAX];
        struct stat sb;
        struct job job;
        int r;

        if (snprintf(from, sizeof(from), "%s/%s", cfg->inbox_dir, name) >= (int)sizeof(from) ||
            snprintf(to, sizeof(to), "%s/%s", cfg->queue_dir, name) >= (int)sizeof(to))
                return -ENAMETOOLONG;
        if (lstat(from, &sb) < 0)
                return errno == ENOENT ? 0 : -errno;
        /* written by another, less trusted user: a plain file or nothing */
        if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
                log_msg(LOG_WARNING, "inbox entry %s is not a plain file; removed", from);
                unlink(from);
                return 0;
        }
        r = queue_read(cfg->inbox_dir, name, &job);
        if (r == -ENOENT)
                return 0;
        if (r < 0) {
                log_msg(LOG_ERR, "inbox entry %s is not a job, moved aside to %s.bad", from, cfg->inbox_dir);
                return 0;
        }
        /* the drain claims it for duplicate detection when it takes it */
        if (rename(from, to) == 0)
                return 1;
        if (errno != EXDEV)
                return -errno;
        /* another file system: copy the job, which cannot be atomic */
        r = queue_push(cfg->queue_dir, job.source,
                       &(struct event_list){ .v = &job.ev, .n = 1, .cap = 1 });
        if (r < 0)
                return r;
        unlink(from);
        return 1;
}

int intake_inbox(const struct config *cfg)
{
        char **names;
        size_t n;
        int r, lock, queued = 0;

        r = queue_list(cfg->inbox_dir, &names, &n);
        if (r < 0) {
                log_msg(LOG_ERR, "cannot list the inbox %s: %s", cfg->inbox_dir, strerror(-r));
                return r;
        }
        if (n == 0) {
                queue_names_free(names, n);
                return 0;
        }
        /* under the queue lock: a drain takes whole jobs only */
        lock = queue_lock(cfg->state_dir, true);
        if (lock < 0) {
                log_msg(LOG_ERR, "cannot take the queue lock in %s: %s", cfg->state_dir, strerror(-lock));
                queue_names_free(names, n);
                return lock;
        }
        r = mkdir_p(cfg->queue_dir, 0750);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                int t = take_one(cfg, names[i]);
                if (t < 0) {
                        log_msg(LOG_ERR, "cannot move %s/%s into %s: %s; it stays in the inbox",
                                cfg->inbox_dir, names[i], cfg->queue_dir, strerror(-t));
                        r = t;
                } else
                        queued += t;
        }
        fsync_dir(cfg->queue_dir);
        fsync_dir(cfg->inbox_dir);
        if (queued)
                log_msg(LOG_INFO, "took %d job(s) from the inbox %s", queued, cfg->inbox_dir);
        close(lock);
        queue_names_free(names, n);
        return r < 0 ? r : queued;
}
