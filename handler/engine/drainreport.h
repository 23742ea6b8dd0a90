/* drainreport: each outcome said in the log, counted in the drain's
 * stats (c->st), recorded in the history (c->state) and noted for the
 * notifiers (c->notes). */
#pragma once

#include <stdbool.h>

#include "drainctx.h"
#include "swarm.h"
#include "update.h"

/* A container's outcome (image: the pushed reference, or the one asked
 * for); a rolled-back digest is remembered as refused. */
void drain_report_container(struct drain_ctx *c, const char *image, const struct update_result *res);

/* A Swarm service's outcome (swarm_update's callback; userdata: c). */
void drain_report_service(const struct swarm_result *res, void *userdata);

/* Did the update fail (failed, or rolled back)? */
bool drain_failed(const struct update_result *res);
