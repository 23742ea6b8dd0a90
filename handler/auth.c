/* auth: tokens, compared in constant time. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
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

/* HMAC of the raw body, keyed with the source's secret, encoded the way
 * the source's registry sends it, compared with the signature header. */
static bool hmac_ok(const struct source *src, const struct http_request *req)
{
        const char *sig = http_header(req, src->hmac_header);
        const EVP_MD *md = src->hmac_bits == 1 ? EVP_sha1() :
                           src->hmac_bits == 512 ? EVP_sha512() : EVP_sha256();
        unsigned char mac[EVP_MAX_MD_SIZE];
        char enc[2 * EVP_MAX_MD_SIZE + 1], got[2 * EVP_MAX_MD_SIZE + 1];
        unsigned int mlen = 0;
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
        if (!HMAC(md, src->token, (int)strlen(src->token),
                  (const unsigned char *)(req->body ? req->body : ""), req->body_len, mac, &mlen)) {
                OPENSSL_cleanse(mac, sizeof(mac));
                return false;
        }
        if (src->hmac_base64) {
                EVP_EncodeBlock((unsigned char *)enc, mac, (int)mlen);
                memcpy(got, sig, glen + 1);
        } else {
                static const char hex[] = "0123456789abcdef";
                for (unsigned int i = 0; i < mlen; i++) {
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
        OPENSSL_cleanse(mac, sizeof(mac));
        OPENSSL_cleanse(enc, sizeof(enc));
        OPENSSL_cleanse(got, sizeof(got));
        return ok;
}

/* "Basic base64(user:password)": the password is the token. */
static bool basic_ok(const char *b64, const char *token, size_t tlen)
{
        unsigned char dec[SECRET_MAX * 2];
        size_t len = strlen(b64);
        const char *colon;
        int n;
        bool ok;

        if (len == 0 || len > 4 * (sizeof(dec) / 3) || len % 4)
                return false;
        n = EVP_DecodeBlock(dec, (const unsigned char *)b64, (int)len);
        /* EVP_DecodeBlock counts padding as zero bytes */
        while (n > 0 && len && b64[len - 1] == '=') {
                n--;
                len--;
        }
        colon = n > 0 ? memchr(dec, ':', (size_t)n) : NULL;
        ok = colon && secret_equal(colon + 1, (size_t)n - (size_t)(colon + 1 - (const char *)dec),
                                   token, tlen);
        /* the decoded password, on every path */
        OPENSSL_cleanse(dec, sizeof(dec));
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
                        ok |= basic ? basic_ok(t, src->token, tlen)
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
                OPENSSL_cleanse(tok, sizeof(tok));
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
