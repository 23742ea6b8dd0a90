/* Fuzz the operator API's /pending/ path: pending_path_parse()
 * (handler/engine/pending.c), what follows "/pending/" in a request.
 *
 * Input: the rest of the path, up to the first NUL.  An accepted one is
 * exactly the decimal id (no sign, no leading zero) and nothing, or
 * "/approve" or "/reject" after it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "pending.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size), again[64];
        const char *action = "unset";
        long long id = -1;
        int r = pending_path_parse(s, &id, &action);

        FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ENOENT);
        if (r == 0) {
                FUZZ_ASSERT(id > 0);
                FUZZ_ASSERT(!action || !strcmp(action, "approve") || !strcmp(action, "reject"));
                snprintf(again, sizeof(again), "%lld%s%s", id, action ? "/" : "", action ? action : "");
                FUZZ_ASSERT(strcmp(again, s) == 0);
        } else {
                FUZZ_ASSERT(id == -1 && !strcmp(action, "unset"));
        }
        free(s);
        return 0;
}
