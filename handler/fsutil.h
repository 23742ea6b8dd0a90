/* fsutil: small file-system helpers shared by the modules that keep
 * files under the state and queue directories. */
#pragma once

#include <sys/types.h>

/* mkdir -p with mode for every directory created; 0 or -errno. */
int mkdir_p(const char *dir, mode_t mode);

/* fsync a directory, so that a rename or unlink in it is on disk; 0 or
 * -errno. */
int fsync_dir(const char *dir);
