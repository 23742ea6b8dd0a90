/* fsutil: mkdir -p, fsync of a directory, whole writes, atomic files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

int mkdir_p(const char *dir, mode_t mode)
{
        char buf[PATH_MAX];

        if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
                return -ENAMETOOLONG;
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int fsync_dir(const char *dir)
{
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r = 0;

        if (fd < 0)
                return -errno;
        if (fsync(fd) < 0)
                r = -errno;
        close(fd);
        return r;
}

int write_all(int fd, const void *buf, size_t len)
{
        const char *p = buf;

        while (len > 0) {
                ssize_t n = write(fd, p, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;    /* a write of nothing sets no errno */
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

int write_file_at(int tmp_dirfd, const char *tmp, int dirfd, const char *name,
                  const void *data, size_t len, mode_t mode)
{
        int fd = openat(tmp_dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        int r;

        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(tmp_dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0)
                unlinkat(tmp_dirfd, tmp, 0);
        return r;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
        char dir[PATH_MAX], tmp[NAME_MAX + 1];
        const char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        int dirfd, r;

        if (snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
                     slash ? path : ".") >= (int)sizeof(dir) ||
            snprintf(tmp, sizeof(tmp), ".%s.tmp-%d", name, (int)getpid()) >= (int)sizeof(tmp))
                return -ENAMETOOLONG;
        if (!dir[0])
                snprintf(dir, sizeof(dir), "/");
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
        /* a leftover of a process with our pid that died half way */
        unlinkat(dirfd, tmp, 0);
        r = write_file_at(dirfd, tmp, dirfd, name, data, len, mode);
        /* the rename itself, on disk */
        if (r == 0 && fsync(dirfd) < 0)
                r = -errno;
        close(dirfd);
        return r;
}
