/* lock: flock(2) on lock files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "shutdown.h"

/* how often a waiting process tries the lock again */
#define LOCK_POLL_MS 50

int lock_take(const char *dir, const char *name, bool wait)
{
        char path[PATH_MAX];
        int fd, r;

        r = mkdir_p(dir, 0750);
        if (r < 0)
                return r;
        if (snprintf(path, sizeof(path), "%s/%s.lock", dir, name) >= (int)sizeof(path))
                return -ENAMETOOLONG;
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (fd < 0)
                return -errno;
        /* Waiting polls rather than blocks in flock(): SIGTERM is installed
         * with SA_RESTART (Docker calls go on through it), which would
         * restart a blocking flock() and keep a stopping process waiting
         * for whoever holds the lock.  A stop request ends the wait. */
        while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                struct timespec pause = { 0, LOCK_POLL_MS * 1000000L };

                r = -errno;
                if (r == -EINTR)
                        continue;
                if (r != -EWOULDBLOCK || !wait) {
                        close(fd);
                        return r;
                }
                if (shutdown_requested()) {
                        close(fd);
                        return -EINTR;
                }
                nanosleep(&pause, NULL);
        }
        return fd;
}
