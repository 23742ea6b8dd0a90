/* intake: split mode's inbox -> queue, with the dedup claim. */
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
#include "state.h"

/* 1 claimed (or no database: kept), 0 a duplicate. */
static int claim(const struct config *cfg, struct state *st, const struct job *job)
{
        int r;

        if (!st)
                return 1;
        r = state_event_claim(st, job->source, &job->ev, cfg->dedup_window);
        if (r != 0)
                return 1;       /* claimed, or the database failed: keep it */
        log_ctx(LOG_INFO, &(struct log_ctx){ .source = job->source,
                                             .digest = job->ev.digest[0] ? job->ev.digest : NULL },
                "duplicate delivery of %s:%s ignored", job->ev.repository, job->ev.tag);
        return 0;
}

/* One inbox entry.  Returns 1 queued, 0 dropped or not there, -errno. */
static int take_one(const struct config *cfg, struct state *st, const char *name)
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
        /* Into the queue first, then the claim: a crash in between leaves
         * an unclaimed job (at worst a repeated delivery is processed
         * twice, a no-op), never a claimed event without its job. */
        if (rename(from, to) == 0) {
                if (claim(cfg, st, &job) == 0) {
                        queue_remove(cfg->queue_dir, name);
                        return 0;
                }
                return 1;
        }
        if (errno != EXDEV)
                return -errno;
        /* another file system: copy the job, which cannot be atomic */
        if (claim(cfg, st, &job) == 0) {
                unlink(from);
                return 0;
        }
        r = queue_push(cfg->queue_dir, job.source,
                       &(struct event_list){ .v = &job.ev, .n = 1, .cap = 1 });
        if (r < 0) {
                if (st)
                        state_event_forget(st, job.source, &job.ev);
                return r;
        }
        unlink(from);
        return 1;
}

int intake_inbox(const struct config *cfg)
{
        struct state *st = NULL;
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
        /* under the queue lock: no drain takes a job before its claim */
        lock = queue_lock(cfg->state_dir, true);
        if (lock < 0) {
                log_msg(LOG_ERR, "cannot take the queue lock in %s: %s", cfg->state_dir, strerror(-lock));
                queue_names_free(names, n);
                return lock;
        }
        r = mkdir_p(cfg->queue_dir, 0750);
        if (r == 0 && cfg->dedup_window > 0 && state_open(cfg->state_dir, &st) < 0)
                st = NULL;      /* no dedup, as in route.c: a duplicate costs a no-op */
        for (size_t i = 0; r >= 0 && i < n; i++) {
                int t = take_one(cfg, st, names[i]);
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
        if (st)
                state_close(st);
        close(lock);
        queue_names_free(names, n);
        return r < 0 ? r : queued;
}
