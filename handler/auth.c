/* auth: tokens, compared in constant time. */
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "auth.h"
#include "limits.h"

bool secret_equal(const char *a, size_t alen, const char *b, size_t blen)
{
        unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
        bool eq;

        SHA256((const unsigned char *)a, alen, da);
        SHA256((const unsigned char *)b, blen, db);
        eq = CRYPTO_memcmp(da, db, sizeof(da)) == 0;
        OPENSSL_cleanse(da, sizeof(da));
        OPENSSL_cleanse(db, sizeof(db));
        return eq;
}

static int hexval(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

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
                                if (c == '%' && end - s > 2 && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
                                        c = (char)(hexval(s[1]) * 16 + hexval(s[2]));
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

bool auth_check(const struct source *src, const struct http_request *req)
{
        const char *authz = http_header(req, "Authorization");
        size_t tlen;
        bool ok = false;

        if (!src->token || !*src->token)
                return false;
        tlen = strlen(src->token);

        if (authz) {
                const char *t = authz;
                /* "Bearer T" (any case), or the whole value as it is */
                if (strncasecmp(t, "Bearer ", 7) == 0) {
                        t += 7;
                        while (*t == ' ')
                                t++;
                        ok |= secret_equal(t, strlen(t), src->token, tlen);
                }
                ok |= secret_equal(authz, strlen(authz), src->token, tlen);
        }
        if (req->query) {
                char tok[SECRET_MAX + 1];
                long n = query_param(req->query, "token", tok, sizeof(tok));
                if (n >= 0)
                        ok |= secret_equal(tok, (size_t)n, src->token, tlen);
                OPENSSL_cleanse(tok, sizeof(tok));
        }
        return ok;
}
