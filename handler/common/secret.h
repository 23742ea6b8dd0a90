/* secret: compare secrets without telling how much matched.
 *
 * Every comparison runs in time independent of where the strings differ
 * and of their lengths; a failure says nothing of what was wrong. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* True when a and b hold the same bytes.  Both sides are hashed with
 * SHA-256 first and the digests compared with Nettle's memeql_sec, so
 * neither the position of the first difference nor the length leaks. */
bool secret_equal(const char *a, size_t alen, const char *b, size_t blen);

/* b64 is the credentials of "Authorization: Basic b64": true when the
 * password (after the first ':') is token, whatever the user name. */
bool secret_basic_ok(const char *b64, const char *token, size_t tlen);

/* An Authorization value, "Bearer TOKEN" or "Basic b64(user:TOKEN)":
 * does it carry token? */
bool secret_authorization_ok(const char *authz, const char *token);
