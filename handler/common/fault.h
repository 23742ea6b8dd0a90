/* fault: fault injection for tests, named steps only. */
#pragma once

#include <stdbool.h>

/* Test hook: $REDOCK_FAULT is a comma-separated list of points.
 *
 * fault_point(P): when the list names P, die here with SIGKILL, as a
 * power cut or OOM kill would.  Points: before-queue (the request read
 * and checked, nothing queued yet), after-queue (answered, before any
 * Docker work), after-claim (the drain claimed its jobs for duplicate
 * detection, none acted on), after-pull, after-create, after-stop (the
 * old one and its dependents stopped), after-rename, after-start,
 * in-rollback (the new container removed, the old one not yet renamed
 * back).
 *
 * fault_fail(P): true when the list names P: the caller takes that step
 * for failed, as if Docker had refused it.  Points: fail-start (starting
 * the new container), fail-rename-back (the rollback's rename of the old
 * container back to its name), fail-restart-old (the rollback's start of
 * the old container). */
void fault_point(const char *point);
bool fault_fail(const char *point);
