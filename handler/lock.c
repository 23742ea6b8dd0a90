/* lock: flock(2) on lock files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "shutdown.h"

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
        while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
                /* a stop request ends the wait; other signals do not */
                if (errno == EINTR && !shutdown_requested())
                        continue;
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}
