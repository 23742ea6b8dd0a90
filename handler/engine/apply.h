/* apply: `redock config apply`.
 *
 * The active configuration is the validated file, line for line, with
 * every token-file and password-file line replaced by the secret it
 * names, written 0600; beside it, webhook.conf, the same without the
 * [registry] sections, for split mode's webhook.  Both are installed
 * atomically (temporary file, fsync, rename), webhook.conf first. */
#pragma once

#include "config.h"

/* Install path (already loaded and valid as cfg) as to, and its webhook
 * copy as webhook.conf in to's directory.  Logs every problem.  Returns
 * 0, or -errno with the active configuration left as it was. */
int config_apply(const char *path, const struct config *cfg, const char *to);
