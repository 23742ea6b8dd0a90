/* fault: the test hook that kills or fails redock at a named step (see
 * fault.h); nothing happens unless $REDOCK_FAULT names the step. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"

/* Does the comma-separated $REDOCK_FAULT name this point? */
static bool fault_named(const char *point)
{
        const char *f = getenv("REDOCK_FAULT");
        size_t len = strlen(point);

        while (f && *f) {
                const char *end = strchrnul(f, ',');

                if ((size_t)(end - f) == len && strncmp(f, point, len) == 0)
                        return true;
                f = *end ? end + 1 : end;
        }
        return false;
}

bool fault_fail(const char *point)
{
        if (!fault_named(point))
                return false;
        fprintf(stderr, "redock: REDOCK_FAULT=%s: failing this step\n", point);
        return true;
}

void fault_point(const char *point)
{
        if (fault_named(point)) {
                fprintf(stderr, "redock: REDOCK_FAULT=%s: dying here\n", point);
                raise(SIGKILL);
        }
}
