/* parseverb: the `redock parse` verb. */
#pragma once

#include <stddef.h>

#include "bounds.h"

struct parse_args {
        const char *source;                     /* -s: read as this source would */
        const char *headers[HTTP_MAX_HEADERS];  /* -H: request headers */
        size_t n_headers;
};

/* Print the push events the payload in argv[0] (or - for stdin) holds,
 * one JSON object per line on stdout; format and notes on stderr.
 * Returns the exit status. */
int parse_verb(const char *config_path, const struct parse_args *pa, int argc, char **argv);
