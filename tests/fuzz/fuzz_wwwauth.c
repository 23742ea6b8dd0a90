/* Fuzz the WWW-Authenticate parser: wwwauth_parse()
 * (handler/common/wwwauth.c), fed what a registry sends.
 *
 * Input: the header value, bytes as they come.  A parsed challenge has a
 * known scheme, terminated fields without control characters, and a
 * Bearer realm that is an http(s) URL. */
#include <strings.h>

#include "fuzz.h"
#include "wwwauth.h"

static void no_controls(const char *s, size_t size)
{
        FUZZ_ASSERT(memchr(s, '\0', size));
        for (; *s; s++)
                FUZZ_ASSERT((unsigned char)*s >= 0x20 && *s != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size);
        struct wwwauth w;

        if (wwwauth_parse(s, size, &w) == 0) {
                FUZZ_ASSERT(w.scheme == WWWAUTH_BASIC || w.scheme == WWWAUTH_BEARER);
                no_controls(w.realm, sizeof(w.realm));
                no_controls(w.service, sizeof(w.service));
                no_controls(w.scope, sizeof(w.scope));
                if (w.scheme == WWWAUTH_BEARER)
                        FUZZ_ASSERT(strncasecmp(w.realm, "https://", 8) == 0 ||
                                    strncasecmp(w.realm, "http://", 7) == 0);
        }
        free(s);
        return 0;
}
