/* Fuzz image reference parsing: imageref_parse() (handler/common/imageref.c)
 * and the reference and URL splitting the payload parsers share
 * (format_ref_split(), format_url_host() in handler/common/formats/formats.c).
 *
 * Input: one reference, up to the first NUL.  A parsed reference must
 * format, parse back to itself, and match a push of its own tag. */
#include <string.h>

#include "event.h"
#include "formats/formats.h"
#include "fuzz.h"
#include "imageref.h"
#include "bounds.h"

static void roundtrip(const struct imageref *ref)
{
        char buf[IMAGE_REF_MAX + 1];
        struct imageref again;
        struct push_event ev;

        FUZZ_ASSERT(ref->registry[0] && ref->repository[0]);
        FUZZ_ASSERT(ref->tag[0] || ref->digest[0]);
        FUZZ_ASSERT(imageref_format(ref, buf, sizeof(buf)) == 0);
        FUZZ_ASSERT(imageref_parse(buf, &again) == 0);
        FUZZ_ASSERT(strcmp(ref->registry, again.registry) == 0);
        FUZZ_ASSERT(strcmp(ref->repository, again.repository) == 0);
        FUZZ_ASSERT(strcmp(ref->tag, again.tag) == 0);
        FUZZ_ASSERT(strcmp(ref->digest, again.digest) == 0);

        /* a push of this very tag is followed, unless pinned by digest */
        if (ref->tag[0] && push_event_set(&ev, ref->registry, ref->repository,
                                          ref->tag, NULL, NULL, NULL) == 0)
                FUZZ_ASSERT(imageref_matches_push(ref, &ev) == !ref->digest[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size);
        struct imageref ref;
        struct format_ref fr;
        char host[REGISTRY_HOST_MAX];

        if (imageref_parse(s, &ref) == 0)
                roundtrip(&ref);

        if (format_ref_split(s, &fr) == 0) {
                FUZZ_ASSERT(fr.host[0] && fr.repository[0]);
                FUZZ_ASSERT(memchr(fr.tag, '\0', sizeof(fr.tag)));
                FUZZ_ASSERT(memchr(fr.digest, '\0', sizeof(fr.digest)));
        }
        if (format_url_host(s, host, sizeof(host)) == 0)
                FUZZ_ASSERT(host[0] && strlen(host) < sizeof(host));

        /* normalisation works in place on anything that fits */
        if (strlen(s) < sizeof(host)) {
                strcpy(host, s);
                imageref_normalise_host(host);
                FUZZ_ASSERT(strlen(host) <= strlen(s));
        }
        free(s);
        return 0;
}
