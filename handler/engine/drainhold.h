/* drainhold: when to deploy a push (min-age, deploy window, the API's
 * auto-deploy), and held jobs back to the queue when their time comes. */
#pragma once

#include <jansson.h>

#include "drainctx.h"

/* May the push at hand (c->job) be deployed now?  0 yes; 1 it waits:
 * recorded in the held table (c->held set), its job file then moved to
 * QUEUE.held/ by the pass, and released by a later drain when its time
 * comes; -errno.  opted_in: the containers the push may reach (their
 * redock.min-age labels count). */
int drain_hold_job(struct drain_ctx *c, const json_t *opted_in, const char *image);

/* Held jobs whose time has come back to the queue, before it is listed. */
void drain_release_due(struct drain_ctx *c);
