/* status: the containers redock watches, what they run, the labels that
 * steer them, and the last outcome recorded for each. */
#pragma once

#include <stdio.h>

#include "config.h"

/* One line per opted-in container, in scope or not (a column says), to
 * out.  Returns 0 or -errno when Docker cannot be asked. */
int status_print(const struct config *cfg, FILE *out);
