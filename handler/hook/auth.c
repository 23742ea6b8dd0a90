/* auth: tokens, compared in constant time.
 *
 * On Nettle: this runs for every webhook request, and Nettle loads in a
 * tenth of libcrypto's time (docs/benchmarks.md). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>

#include "auth.h"
#include "secret.h"
#include "hex.h"
#include "bounds.h"

/* Copy the percent-decoded value of key from a query string into out.
 * Returns its length, or -1 if absent or too long. */
static long query_param(const char *query, const char *key, char *out, size_t size)
{
        size_t klen = strlen(key);
        const char *p = query;

        while (p && *p) {
                const char *end = strchr(p, '&');
                size_t n = 0;

                if (!end)
                        end = p + strlen(p);
                if ((size_t)(end - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
                        for (const char *s = p + klen + 1; s < end; s++) {
                                char c = *s;
                                if (c == '%' && end - s > 2 && hex_value(s[1]) >= 0 && hex_value(s[2]) >= 0) {
                                        c = (char)(hex_value(s[1]) * 16 + hex_value(s[2]));
                                        s += 2;
                                } else if (c == '+')
                                        c = ' ';
                                if (n + 1 >= size)
                                        return -1;
                                out[n++] = c;
                        }
                        out[n] = '\0';
                        return (long)n;
                }
                p = *end ? end + 1 : end;
        }
        return -1;
}

/* HMAC-SHA1, -SHA256 or -SHA512 (bits 1, 256, 512) of data with key,
 * into mac (SHA512_DIGEST_SIZE bytes); returns the MAC's length. */
static size_t hmac_of(int bits, const char *key, const uint8_t *data, size_t len, uint8_t *mac)
{
        size_t klen = strlen(key), mlen;

        if (bits == 1) {
                struct hmac_sha1_ctx ctx;
                hmac_sha1_set_key(&ctx, klen, (const uint8_t *)key);
                hmac_sha1_update(&ctx, len, data);
                hmac_sha1_digest(&ctx, mlen = SHA1_DIGEST_SIZE, mac);
                explicit_bzero(&ctx, sizeof(ctx));
        } else if (bits == 512) {
                struct hmac_sha512_ctx ctx;
                hmac_sha512_set_key(&ctx, klen, (const uint8_t *)key);
                hmac_sha512_update(&ctx, len, data);
                hmac_sha512_digest(&ctx, mlen = SHA512_DIGEST_SIZE, mac);
                explicit_bzero(&ctx, sizeof(ctx));
        } else {
                struct hmac_sha256_ctx ctx;
                hmac_sha256_set_key(&ctx, klen, (const uint8_t *)key);
                hmac_sha256_update(&ctx, len, data);
                hmac_sha256_digest(&ctx, mlen = SHA256_DIGEST_SIZE, mac);
                explicit_bzero(&ctx, sizeof(ctx));
        }
        return mlen;
}

/* HMAC of the raw body, keyed with the source's secret, encoded the way
 * the source's registry sends it, compared with the signature header. */
static bool hmac_ok(const struct source *src, const struct http_request *req)
{
        const char *sig = http_header(req, src->hmac_header);
        uint8_t mac[SHA512_DIGEST_SIZE];
        char enc[2 * SHA512_DIGEST_SIZE + 1], got[2 * SHA512_DIGEST_SIZE + 1];
        size_t mlen;
        size_t plen = src->hmac_prefix ? strlen(src->hmac_prefix) : 0, glen;
        bool ok;

        if (!sig || !*sig)
                return false;
        if (plen && strncasecmp(sig, src->hmac_prefix, plen) != 0)
                return false;
        sig += plen;
        glen = strlen(sig);
        if (glen >= sizeof(got))
                return false;
        mlen = hmac_of(src->hmac_bits, src->token, (const uint8_t *)(req->body ? req->body : ""),
                       req->body_len, mac);
        if (src->hmac_base64) {
                _Static_assert(BASE64_ENCODE_RAW_LENGTH(SHA512_DIGEST_SIZE) < sizeof(enc),
                               "room for the longest MAC, base64");
                base64_encode_raw(enc, mlen, mac);
                enc[BASE64_ENCODE_RAW_LENGTH(mlen)] = '\0';
                memcpy(got, sig, glen + 1);
        } else {
                static const char hex[] = "0123456789abcdef";
                for (size_t i = 0; i < mlen; i++) {
                        enc[2 * i] = hex[mac[i] >> 4];
                        enc[2 * i + 1] = hex[mac[i] & 15];
                }
                enc[2 * mlen] = '\0';
                /* hex digits in either case */
                for (size_t i = 0; i <= glen; i++)
                        got[i] = (char)tolower((unsigned char)sig[i]);
        }
        ok = secret_equal(got, glen, enc, strlen(enc));
        /* the right signature for this body: as good as the key for it */
        explicit_bzero(mac, sizeof(mac));
        explicit_bzero(enc, sizeof(enc));
        explicit_bzero(got, sizeof(got));
        return ok;
}

static bool token_ok(const struct source *src, const struct http_request *req)
{
        const char *authz = http_header(req, "Authorization");
        size_t tlen = strlen(src->token), nlen = strlen(src->name);
        bool ok = false;

        if (authz) {
                const char *t = authz;
                if (strncasecmp(t, "Bearer ", 7) == 0 || strncasecmp(t, "Basic ", 6) == 0) {
                        bool basic = (t[1] | 0x20) == 'a';
                        t += basic ? 6 : 7;
                        while (*t == ' ')
                                t++;
                        ok |= basic ? secret_basic_ok(t, src->token, tlen)
                                    : secret_equal(t, strlen(t), src->token, tlen);
                }
                /* GitLab and Harbor send the configured value verbatim */
                ok |= secret_equal(authz, strlen(authz), src->token, tlen);
        }
        if (src->token_header) {
                const char *v = http_header(req, src->token_header);
                if (v)
                        ok |= secret_equal(v, strlen(v), src->token, tlen);
        }
        if (req->query) {
                char tok[SECRET_MAX + 1];
                long n = query_param(req->query, "token", tok, sizeof(tok));
                if (n >= 0)
                        ok |= secret_equal(tok, (size_t)n, src->token, tlen);
                explicit_bzero(tok, sizeof(tok));
        }
        /* a secret path segment, /hooks/NAME/TOKEN, for registries that
         * can only be given a URL (Docker Hub) */
        if (req->path && strncmp(req->path, "/hooks/", 7) == 0 &&
            strncmp(req->path + 7, src->name, nlen) == 0 && req->path[7 + nlen] == '/') {
                const char *t = req->path + 8 + nlen;
                ok |= secret_equal(t, strlen(t), src->token, tlen);
        }
        return ok;
}

static bool address_ok(const struct source *src, const struct http_request *req)
{
        if (src->n_allow == 0)
                return true;
        for (size_t i = 0; i < src->n_allow; i++)
                if (req->remote_addr[0] && cidr_contains(&src->allow[i], req->remote_addr))
                        return true;
        return false;
}

bool auth_check(const struct source *src, const struct http_request *req)
{
        if (!src->token || !*src->token)
                return false;
        if (!address_ok(src, req))
                return false;
        return src->auth == AUTH_HMAC ? hmac_ok(src, req) : token_ok(src, req);
}
