/* fsutil: small file-system helpers shared by the modules that keep
 * files under the state and queue directories. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* mkdir -p with mode for every directory created; 0 or -errno. */
int mkdir_p(const char *dir, mode_t mode);

/* fsync a directory, so that a rename or unlink in it is on disk; 0 or
 * -errno. */
int fsync_dir(const char *dir);

/* Write all of buf to fd, through EINTR and short writes; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* A new file TMP (never an existing one, never through a link) in
 * TMP_DIRFD holding DATA, synced, then renamed to NAME in DIRFD: readers
 * of NAME see no file or all of it.  The directory is not synced (a
 * caller writing several syncs it once).  0 or -errno; TMP is gone. */
int write_file_at(int tmp_dirfd, const char *tmp, int dirfd, const char *name,
                  const void *data, size_t len, mode_t mode);

/* PATH replaced whole or not at all: a temporary file beside it with
 * MODE, synced, renamed over PATH, the directory synced.  0 or -errno. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
