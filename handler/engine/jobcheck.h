/* jobcheck: a job, checked again against the configuration the drain
 * runs with.
 *
 * In split mode the job files are written by the webhook process, which
 * is the part of redock exposed to the network: the drain takes each one
 * as written by an attacker.  A job is admitted only when its source is
 * configured here, its host passes that source's mapping (registry,
 * aliases, match-host; the job may be rewritten by it, as the webhook
 * would have), and its repository, tag and digest pass imageref's
 * grammar. */
#pragma once

#include <stddef.h>

#include "config.h"
#include "queue.h"

/* Returns 0 when job is admitted (job->ev.registry possibly rewritten by
 * the source's mapping), or -EINVAL with the reason in why. */
int job_admit(const struct config *cfg, struct job *job, char *why, size_t why_size);
