/* Fuzz /history's query: api_history_count() (handler/engine/apipage.c).
 *
 * Input: one query string, up to the first NUL.  A count taken is within
 * 1..HISTORY_PAGE_MAX; a refusal is -EINVAL or -ERANGE and leaves the
 * count alone. */
#include <errno.h>

#include "apipage.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size);
        int n = -1, r;

        r = api_history_count(s, &n);
        if (r == 0)
                FUZZ_ASSERT(n >= 1 && n <= HISTORY_PAGE_MAX);
        else
                FUZZ_ASSERT((r == -EINVAL || r == -ERANGE) && n == -1);
        free(s);
        return 0;
}
