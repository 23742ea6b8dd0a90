/* Fuzz what min-age reads from a registry: imagecfg_pick(),
 * imagecfg_created() and imagecfg_parse_time() (handler/engine/imagecfg.c).
 *
 * Input: a manifest, an index or an image config, bytes as they come;
 * each reader is fed all of it (and the time parser the bytes as one
 * string).  A picked digest is valid and terminated; a created time is
 * from 2000 on and before the year 10000. */
#include <errno.h>

#include "fuzz.h"
#include "imagecfg.h"
#include "imageref.h"

#define YEAR_10000      253402300800LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size);
        struct imagecfg_platform p;
        char digest[160];
        long long t = 0;
        int r;

        imagecfg_host_platform(&p);
        r = imagecfg_pick(s, size, &p, digest, sizeof(digest));
        FUZZ_ASSERT(r < 0 || r == IMAGECFG_INDEX || r == IMAGECFG_IMAGE);
        if (r > 0)
                FUZZ_ASSERT(memchr(digest, '\0', sizeof(digest)) && imageref_valid_digest(digest));
        else
                FUZZ_ASSERT(r == -EBADMSG || r == -E2BIG);
        if (imagecfg_created(s, size, &t) == 0)
                FUZZ_ASSERT(t >= IMAGECFG_CREATED_MIN && t < YEAR_10000);
        if (imagecfg_parse_time(s, &t) == 0)
                FUZZ_ASSERT(t >= IMAGECFG_CREATED_MIN && t < YEAR_10000);
        free(s);
        return 0;
}
