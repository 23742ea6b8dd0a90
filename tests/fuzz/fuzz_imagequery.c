/* Fuzz /v1/update's query string: imagequery_parse()
 * (handler/engine/imagequery.c).
 *
 * Input: one query string, up to the first NUL.  Parsed, it names at
 * most IMAGEQUERY_MAX repositories, each one a valid reference with its
 * counter at 0; refused, it says why, in printable ASCII only (the
 * reason goes to JSON and the log). */
#include <string.h>

#include "fuzz.h"
#include "imagequery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct poll_image img[IMAGEQUERY_MAX];
        char *s = fuzz_strndup(data, size);
        char why[256];
        size_t n = 99999;

        if (imagequery_parse(s, img, &n, why, sizeof(why)) == 0) {
                FUZZ_ASSERT(n <= IMAGEQUERY_MAX);
                FUZZ_ASSERT(why[0] == '\0');
                for (size_t i = 0; i < n; i++) {
                        FUZZ_ASSERT(img[i].ref.registry[0] && img[i].ref.repository[0]);
                        FUZZ_ASSERT(imageref_valid_repository(img[i].ref.repository));
                        FUZZ_ASSERT(img[i].targets == 0);
                }
        } else {
                FUZZ_ASSERT(why[0]);
                for (const char *p = why; *p; p++)
                        FUZZ_ASSERT(*p >= ' ' && *p < 0x7f);
        }
        free(s);
        return 0;
}
