/* secret: compare secrets without telling how much matched. */
#include <string.h>
#include <strings.h>

#include <nettle/base64.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "bounds.h"
#include "secret.h"

static void sha256_of(const char *s, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
        struct sha256_ctx ctx;

        sha256_init(&ctx);
        sha256_update(&ctx, len, (const uint8_t *)s);
        sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
        explicit_bzero(&ctx, sizeof(ctx));
}

/* Both sides hashed whole, then one constant-time compare of the two
 * digests: neither the time nor the work tells how much matched, nor
 * the secret's length. */
bool secret_equal(const char *a, size_t alen, const char *b, size_t blen)
{
        uint8_t da[SHA256_DIGEST_SIZE], db[SHA256_DIGEST_SIZE];
        bool eq;

        sha256_of(a, alen, da);
        sha256_of(b, blen, db);
        eq = memeql_sec(da, db, sizeof(da)) != 0;
        explicit_bzero(da, sizeof(da));
        explicit_bzero(db, sizeof(db));
        return eq;
}

/* "Basic base64(user:password)": the password is the token. */
bool secret_basic_ok(const char *b64, const char *token, size_t tlen)
{
        uint8_t dec[SECRET_MAX * 2];
        struct base64_decode_ctx ctx;
        size_t len = strlen(b64), n = 0;
        const char *colon;
        bool ok;

        if (len == 0 || BASE64_DECODE_LENGTH(len) > sizeof(dec) || len % 4)
                return false;
        base64_decode_init(&ctx);
        ok = base64_decode_update(&ctx, &n, dec, len, b64) && base64_decode_final(&ctx);
        colon = ok && n > 0 ? memchr(dec, ':', n) : NULL;
        ok = colon && secret_equal(colon + 1, n - (size_t)(colon + 1 - (const char *)dec), token, tlen);
        /* the decoded password, on every path */
        explicit_bzero(dec, sizeof(dec));
        explicit_bzero(&ctx, sizeof(ctx));
        return ok;
}

bool secret_authorization_ok(const char *authz, const char *token)
{
        size_t tlen = strlen(token);
        bool basic;

        if (!authz)
                return false;
        if (strncasecmp(authz, "Bearer ", 7) != 0 && strncasecmp(authz, "Basic ", 6) != 0)
                return false;
        basic = (authz[1] | 0x20) == 'a';
        authz += basic ? 6 : 7;
        while (*authz == ' ')
                authz++;
        return basic ? secret_basic_ok(authz, token, tlen) : secret_equal(authz, strlen(authz), token, tlen);
}
