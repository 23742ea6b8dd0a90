/* serve: one webhook request, from stdin (inetd, systemd Accept=yes) or
 * the CGI environment, to its answer on stdout.  What redock-hook runs
 * per connection: it links no libcurl and no SQLite. */
#pragma once

#include <stdbool.h>

#include "config.h"

struct serve_outcome {
        bool drain;             /* inline mode queued work: drain now */
        bool cgi;
};

/* Read, check, route and answer one request, then release the peer.
 * cfg is loaded by the caller; *out says what is left to do.  Returns
 * the process's exit status. */
int serve_request(struct config *cfg, struct serve_outcome *out);
