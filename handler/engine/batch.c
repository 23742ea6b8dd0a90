/* batch: several container updates at once, one child process each. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "fsutil.h"
#include "log.h"
#include "shutdown.h"

/* What a child writes: one record, well under PIPE_BUF * 16, so the write
 * never waits for the parent. */
struct batch_record {
        int rc;
        struct update_result res;
};

struct child {
        pid_t pid;
        int fd;                 /* read end, -1 once closed */
        size_t got;
        struct batch_record rec;
};

static void run_child(int fd, batch_fn fn, void *arg, size_t i)
{
        struct batch_record rec;

        memset(&rec, 0, sizeof(rec));
        rec.rc = fn(arg, i, &rec.res);
        /* _exit: no atexit handlers, no flushing of the parent's stdio
         * buffers a second time */
        _exit(write_all(fd, &rec, sizeof(rec)) == 0 ? 0 : 1);
}

static void died(struct child *ch, int status)
{
        struct update_result *res = &ch->rec.res;

        res->outcome = UPDATE_FAILED;
        res->changed = false;
        if (WIFSIGNALED(status))
                snprintf(res->reason, sizeof(res->reason),
                         "the update process died of signal %d before reporting", WTERMSIG(status));
        else
                snprintf(res->reason, sizeof(res->reason),
                         "the update process exited with status %d before reporting",
                         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        /* not an outcome: what it did is not known, and only its intent
         * record can tell.  The job stays queued; the next drain repairs
         * the container from that record and updates it again. */
        ch->rec.rc = -ECHILD;
}

/* Read what the children write until every pipe is closed, passing a
 * shutdown request on once. */
static void collect(struct child *ch, size_t n, struct pollfd *pf)
{
        bool passed_on = false;
        size_t open_fds = 0;

        for (size_t i = 0; i < n; i++)
                if (ch[i].fd >= 0)
                        open_fds++;
        while (open_fds > 0) {
                if (!passed_on && shutdown_requested()) {
                        for (size_t i = 0; i < n; i++)
                                if (ch[i].pid > 0)
                                        kill(ch[i].pid, SIGTERM);
                        passed_on = true;
                }
                /* pf[i] is ch[i]; poll skips the closed ones (fd -1) */
                for (size_t i = 0; i < n; i++)
                        pf[i] = (struct pollfd){ .fd = ch[i].fd, .events = POLLIN };
                /* a timeout, so that a SIGTERM (SA_RESTART) is seen soon */
                if (poll(pf, n, 250) <= 0)
                        continue;
                for (size_t i = 0; i < n; i++) {
                        struct child *c = &ch[i];
                        ssize_t m;

                        if (c->fd < 0 || !pf[i].revents)
                                continue;
                        m = read(c->fd, (char *)&c->rec + c->got, sizeof(c->rec) - c->got);
                        if (m < 0 && (errno == EINTR || errno == EAGAIN))
                                continue;
                        if (m > 0)
                                c->got += (size_t)m;
                        if (m <= 0 || c->got == sizeof(c->rec)) {
                                close(c->fd);
                                c->fd = -1;
                                open_fds--;
                        }
                }
        }
}

int batch_run(size_t n, batch_fn fn, void *arg, struct update_result *res, int *rc)
{
        struct child *ch = calloc(n ? n : 1, sizeof(*ch));
        struct pollfd *pf = calloc(n ? n : 1, sizeof(*pf));

        if (!ch || !pf) {
                free(ch);
                free(pf);
                return -ENOMEM;
        }
        fflush(NULL);   /* nothing buffered is written twice */
        for (size_t i = 0; i < n; i++) {
                int p[2] = { -1, -1 };

                ch[i].pid = -1;
                ch[i].fd = -1;
                if (pipe2(p, O_CLOEXEC) < 0 || (ch[i].pid = fork()) < 0) {
                        int e = errno;
                        if (p[0] >= 0) {
                                close(p[0]);
                                close(p[1]);
                        }
                        /* no process for it: this one in line, in here */
                        log_msg(LOG_WARNING, "cannot start an update process (%s); updating in line",
                                strerror(e));
                        memset(&ch[i].rec, 0, sizeof(ch[i].rec));
                        ch[i].rec.rc = fn(arg, i, &ch[i].rec.res);
                        ch[i].got = sizeof(ch[i].rec);
                        ch[i].pid = -1;
                        continue;
                }
                if (ch[i].pid == 0) {
                        close(p[0]);
                        for (size_t j = 0; j < i; j++)
                                if (ch[j].fd >= 0)
                                        close(ch[j].fd);
                        run_child(p[1], fn, arg, i);
                }
                close(p[1]);
                ch[i].fd = p[0];
        }
        collect(ch, n, pf);
        for (size_t i = 0; i < n; i++) {
                int status = 0;

                if (ch[i].pid > 0) {
                        while (waitpid(ch[i].pid, &status, 0) < 0 && errno == EINTR)
                                ;
                        if (ch[i].got != sizeof(ch[i].rec))
                                died(&ch[i], status);
                }
                res[i] = ch[i].rec.res;
                rc[i] = ch[i].rec.rc;
        }
        free(ch);
        free(pf);
        return 0;
}
