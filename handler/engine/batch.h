/* batch: several container updates at once, one child process each.
 *
 * `rolling = no` replaces every container that follows a push at the same
 * time: each child creates, swaps and health-gates its own container and
 * rolls it back on its own, so a slow healthcheck delays nobody else and
 * one failure stops nobody else.  Processes rather than threads because
 * libcurl handles, the SQLite handle and the update code's statics are
 * per process; a child opens its own Docker connection and reports its
 * update_result (a flat struct) through a pipe. */
#pragma once

#include <stddef.h>

#include "update.h"

/* Runs in the child: update target i into *res; 0, or -errno when Docker
 * could not be asked (the job is kept).  arg is the caller's. */
typedef int (*batch_fn)(void *arg, size_t i, struct update_result *res);

/* Run fn for i in [0, n) in n children at once and wait for all.  res[i]
 * and rc[i] get each child's result; a child that died without one gets
 * UPDATE_FAILED with the reason and rc -ECHILD: whether it changed
 * something is not known, so the job is kept and the next drain repairs
 * the container from its intent record before it updates again.  A
 * SIGTERM to the caller (shutdown_requested) is passed on to the
 * children, which roll back what is unproven.  Returns 0, or -errno when
 * no child could be started (then nothing ran). */
int batch_run(size_t n, batch_fn fn, void *arg, struct update_result *res, int *rc);
