/* lifecycle: pre-update and post-update commands, run inside a
 * container through the exec API, with a timeout. */
#pragma once

#include "docker.h"

/* Run "sh -c cmd" in the running container id and wait up to timeout_s.
 * Returns its exit code (>= 0), -ETIMEDOUT when it did not finish (it is
 * left running: the exec API cannot stop it), or -EIO. */
int lifecycle_exec(struct docker *d, const char *id, const char *cmd, int timeout_s);
