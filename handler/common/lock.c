/* lock: flock(2) on lock files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
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

/* a user's name, or "uid N" for a uid without one */
static void user_name(uid_t uid, char *buf, size_t size)
{
        const struct passwd *pw = getpwuid(uid);

        if (pw && pw->pw_name)
                snprintf(buf, size, "%s", pw->pw_name);
        else
                snprintf(buf, size, "uid %u", (unsigned)uid);
}

void lock_owner_hint(const char *dir, const char *name, char *buf, size_t size)
{
        char path[PATH_MAX], owner[64], me[64];
        struct stat st;
        const char *what = path;

        buf[0] = '\0';
        if (snprintf(path, sizeof(path), "%s/%s.lock", dir, name) >= (int)sizeof(path))
                return;
        if (stat(path, &st) < 0) {
                if (errno != ENOENT || stat(dir, &st) < 0)
                        return;
                what = dir;
        }
        if (st.st_uid == geteuid())
                return;
        user_name(st.st_uid, owner, sizeof(owner));
        user_name(geteuid(), me, sizeof(me));
        snprintf(buf, size, " (%s belongs to %s, not to %s, who runs this)", what, owner, me);
}
