/* approval: the gate a push's follower passes before it is replaced,
 * when it needs an operator's approval (issue 17): the label
 * redock.approve=true, or approve = yes in the push's [source NAME] (else
 * [redock]'s); redock.approve=false opts a container out again.
 *
 * A new change gets a waiting row (pending.h), a log line naming the
 * endpoint that approves it and a "pending" notification; a waiting one
 * stays waiting; a rejected digest is never applied; an approved one
 * goes ahead (its row then done).  A newer digest supersedes the
 * container's older waiting change. */
#pragma once

#include <stdbool.h>

#include <jansson.h>

#include "config.h"
#include "docker.h"
#include "notify.h"
#include "queue.h"
#include "state.h"

/* Does a change of ins (inspect-shaped) pushed through source (NULL:
 * none) need approval?  Its label, else config_approve. */
bool approval_needed(const struct config *cfg, const json_t *ins, const char *source);

/* Must ins (a follower of job's push; to_tag the tag it moves to under
 * its policy, "" none) wait rather than be replaced now?  Said in the
 * log (image: the push as the drain names it).  st may be NULL: a change
 * that needs approval then is not applied (nothing could record the
 * approval).  Containers that need none pass at once, without a call to
 * Docker or the database. */
bool approval_waits(const struct config *cfg, struct state *st, struct docker *d, const struct job *job,
                    const json_t *ins, const char *to_tag, const char *image, struct notify_batch *notes);

/* The drain's start: waiting changes older than [api] pending-expire go
 * (pending_expire, logged).  st may be NULL. */
void approval_expire(const struct config *cfg, struct state *st);
