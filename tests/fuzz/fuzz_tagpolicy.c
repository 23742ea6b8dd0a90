/* Fuzz the redock.policy label and version parsing (handler/engine/tagpolicy.c).
 *
 * Input: "LABEL\nRUNNING\nTAG\nTAG...".  A parsed policy describes itself
 * back as the label; a chosen tag is one of the tags, accepted by the
 * policy; version ordering is antisymmetric. */
#include <string.h>

#include "fuzz.h"
#include "tagpolicy.h"

#define TAGS_MAX 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size), *line[TAGS_MAX + 2], *p = s, desc[TAGPOLICY_LABEL_MAX + 8], why[512];
        struct tagpolicy pol;
        size_t n = 0;

        while (n < TAGS_MAX + 2 && p) {
                line[n++] = p;
                p = strchr(p, '\n');
                if (p)
                        *p++ = '\0';
        }
        if (tagpolicy_parse(line[0], &pol, why, sizeof(why)) == 0) {
                tagpolicy_describe(&pol, desc, sizeof(desc));
                FUZZ_ASSERT(!line[0][0] || strcmp(desc, line[0]) == 0);
                if (n >= 2) {
                        const char *best = tagpolicy_choose(&pol, line[1], line + 2, n - 2, why, sizeof(why));
                        bool among = false;

                        for (size_t i = 2; best && i < n; i++)
                                among |= best == line[i];
                        FUZZ_ASSERT(!best || among);
                        FUZZ_ASSERT(!best || tagpolicy_accepts(&pol, line[1], best, why, sizeof(why)));
                        FUZZ_ASSERT(!best || tagpolicy_follows(&pol, line[1], best));
                }
        } else {
                FUZZ_ASSERT(why[0]);
        }
        tagpolicy_free(&pol);
        for (size_t i = 1; i + 1 < n; i++) {
                struct tagversion a, b;

                if (tagversion_parse(line[i], &a) == 0 && tagversion_parse(line[i + 1], &b) == 0)
                        FUZZ_ASSERT(tagversion_cmp(&a, &b) == -tagversion_cmp(&b, &a));
        }
        free(s);
        return 0;
}
