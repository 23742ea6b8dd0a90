/* wwwauth: the WWW-Authenticate challenge of a registry (RFC 7235 §4.1,
 * and the Docker token protocol's Bearer realm/service/scope).
 *
 * Pure: no I/O, shared by the registry client and its fuzz harness.  The
 * value comes from a registry redock does not control. */
#pragma once

#include <stddef.h>

#include "bounds.h"

enum wwwauth_scheme {
        WWWAUTH_BASIC = 1,
        WWWAUTH_BEARER,
};

struct wwwauth {
        enum wwwauth_scheme scheme;
        char realm[WWWAUTH_PARAM_MAX];          /* Bearer: the token endpoint's URL */
        char service[WWWAUTH_PARAM_MAX];        /* "" when not given */
        char scope[WWWAUTH_PARAM_MAX];          /* "" when not given */
};

/* Parse one challenge of len bytes ("Bearer realm=\"https://a/token\",
 * service=\"a\",scope=\"repository:x:pull\"", "Basic realm=\"r\"").
 * Parameters may be quoted (with \ escapes) or tokens; unknown ones are
 * skipped; one given twice is refused.  A Bearer challenge needs a realm
 * starting with https:// or http://.  Returns 0 with ret filled,
 * -EBADMSG when malformed or a scheme other than these two, -E2BIG past
 * WWWAUTH_HEADER_MAX or a parameter past WWWAUTH_PARAM_MAX.  ret is
 * touched only on success. */
int wwwauth_parse(const char *buf, size_t len, struct wwwauth *ret);
