/* wwwauth: the WWW-Authenticate challenge, parsed in one pass.
 *
 *   challenge  = scheme [ 1*SP auth-param *( OWS "," OWS auth-param ) ]
 *   auth-param = token BWS "=" BWS ( token / quoted-string )
 *
 * Every read checks the cursor against len first (tinyssh's way); the
 * output is filled in a local copy and handed over only on success. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "wwwauth.h"

static bool tchar(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t skip_ows(const char *buf, size_t len, size_t pos)
{
        while (pos < len && (buf[pos] == ' ' || buf[pos] == '\t'))
                pos++;
        return pos;
}

/* a token at pos: its length (0 when none) */
static size_t token_len(const char *buf, size_t len, size_t pos)
{
        size_t n = 0;

        while (pos + n < len && tchar(buf[pos + n]))
                n++;
        return n;
}

/* The value at *pos (token or quoted-string) into out (NUL-terminated).
 * 0, -EBADMSG, -E2BIG; *pos moves only on success. */
static int read_value(const char *buf, size_t len, size_t *pos, char *out, size_t size)
{
        size_t p = *pos, n = 0;

        if (p < len && buf[p] == '"') {
                for (p++;; p++) {
                        if (p >= len)
                                return -EBADMSG;        /* unterminated */
                        if (buf[p] == '"')
                                break;
                        if (buf[p] == '\\') {
                                if (++p >= len)
                                        return -EBADMSG;
                        }
                        /* no control characters in a value we may log or send */
                        if ((unsigned char)buf[p] < 0x20 || buf[p] == 0x7f)
                                return -EBADMSG;
                        if (n + 1 >= size)
                                return -E2BIG;
                        out[n++] = buf[p];
                }
                p++;
        } else {
                size_t t = token_len(buf, len, p);

                /* token68-ish values ("a/b") are tokens plus '/' here: a
                 * realm URL is sometimes sent unquoted */
                while (p + t < len && (tchar(buf[p + t]) || buf[p + t] == '/' || buf[p + t] == ':' ||
                                       buf[p + t] == '='))
                        t++;
                if (t == 0)
                        return -EBADMSG;
                if (t >= size)
                        return -E2BIG;
                memcpy(out, buf + p, t);
                n = t;
                p += t;
        }
        out[n] = '\0';
        *pos = p;
        return 0;
}

int wwwauth_parse(const char *buf, size_t len, struct wwwauth *ret)
{
        struct wwwauth w;
        bool seen_realm = false, seen_service = false, seen_scope = false;
        char junk[WWWAUTH_PARAM_MAX];
        size_t pos, n;
        int r;

        if (!buf && len)
                return -EBADMSG;
        if (len > WWWAUTH_HEADER_MAX)
                return -E2BIG;
        memset(&w, 0, sizeof(w));
        pos = skip_ows(buf, len, 0);
        n = token_len(buf, len, pos);
        if (n == 5 && strncasecmp(buf + pos, "Basic", 5) == 0)
                w.scheme = WWWAUTH_BASIC;
        else if (n == 6 && strncasecmp(buf + pos, "Bearer", 6) == 0)
                w.scheme = WWWAUTH_BEARER;
        else
                return -EBADMSG;
        pos += n;
        if (pos < len && buf[pos] != ' ' && buf[pos] != '\t')
                return -EBADMSG;
        pos = skip_ows(buf, len, pos);
        while (pos < len) {
                const char *name = buf + pos;
                char *out = junk;
                bool *seen = NULL;

                n = token_len(buf, len, pos);
                if (n == 0)
                        return -EBADMSG;
                if (n == 5 && strncasecmp(name, "realm", 5) == 0)
                        out = w.realm, seen = &seen_realm;
                else if (n == 7 && strncasecmp(name, "service", 7) == 0)
                        out = w.service, seen = &seen_service;
                else if (n == 5 && strncasecmp(name, "scope", 5) == 0)
                        out = w.scope, seen = &seen_scope;
                if (seen && *seen)
                        return -EBADMSG;
                if (seen)
                        *seen = true;
                pos = skip_ows(buf, len, pos + n);
                if (pos >= len || buf[pos] != '=')
                        return -EBADMSG;
                pos = skip_ows(buf, len, pos + 1);
                r = read_value(buf, len, &pos, out, WWWAUTH_PARAM_MAX);
                if (r < 0)
                        return r;
                pos = skip_ows(buf, len, pos);
                if (pos < len) {
                        if (buf[pos] != ',')
                                return -EBADMSG;
                        pos = skip_ows(buf, len, pos + 1);
                        if (pos >= len)
                                return -EBADMSG;        /* a trailing comma */
                }
        }
        if (w.scheme == WWWAUTH_BEARER && strncasecmp(w.realm, "https://", 8) != 0 &&
            strncasecmp(w.realm, "http://", 7) != 0)
                return -EBADMSG;
        *ret = w;
        return 0;
}
