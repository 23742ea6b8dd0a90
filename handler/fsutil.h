/* fsutil: small file-system helpers shared by the modules that keep
 * files under the state and queue directories. */
#pragma once

#include <sys/types.h>

/* mkdir -p with mode for every directory created; 0 or -errno. */
int mkdir_p(const char *dir, mode_t mode);
