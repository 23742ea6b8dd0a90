/* base64: strict decoding (see base64.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "base64.h"

static int value(char c)
{
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

long base64_decode(const char *src, size_t len, unsigned char *dst)
{
        unsigned int acc = 0;
        size_t n = 0, pad = 0;
        int bits = 0;

        while (len > 0 && src[len - 1] == '=' && pad < 2) {
                len--;
                pad++;
        }
        if ((pad && (len + pad) % 4 != 0) || len % 4 == 1)
                return -EBADMSG;
        for (size_t i = 0; i < len; i++) {
                int v = value(src[i]);
                if (v < 0) {
                        explicit_bzero(&acc, sizeof(acc));
                        return -EBADMSG;
                }
                acc = (acc << 6 | (unsigned int)v) & 0xffffff;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        dst[n++] = (unsigned char)(acc >> bits);
                }
        }
        /* stray bits are not what an encoder writes */
        bool stray = (acc & ((1u << bits) - 1)) != 0;

        /* the caller may decode a secret: leave no part of it here */
        explicit_bzero(&acc, sizeof(acc));
        return stray ? -EBADMSG : (long)n;
}
