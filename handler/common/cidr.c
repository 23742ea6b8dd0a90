/* cidr: parse and match address ranges. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

int cidr_parse(const char *s, struct cidr *c)
{
        char buf[INET6_ADDRSTRLEN + 8];
        char *slash, *end;
        long bits;

        memset(c, 0, sizeof(*c));
        if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
                return -EINVAL;
        slash = strchr(buf, '/');
        if (slash)
                *slash = '\0';
        if (inet_pton(AF_INET, buf, c->addr) == 1) {
                c->family = AF_INET;
                c->prefix = 32;
        } else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
                c->family = AF_INET6;
                c->prefix = 128;
        } else
                return -EINVAL;
        if (slash) {
                errno = 0;
                bits = strtol(slash + 1, &end, 10);
                if (errno || end == slash + 1 || *end || bits < 0 || bits > c->prefix)
                        return -EINVAL;
                c->prefix = (int)bits;
        }
        return 0;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
        int full = bits / 8, rest = bits % 8;

        if (memcmp(a, b, (size_t)full) != 0)
                return false;
        if (rest == 0)
                return true;
        return ((a[full] ^ b[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

bool cidr_contains(const struct cidr *c, const char *addr)
{
        unsigned char a[16];

        if (c->family == AF_INET) {
                if (inet_pton(AF_INET, addr, a) == 1)
                        return prefix_equal(a, c->addr, c->prefix);
                if (inet_pton(AF_INET6, addr, a) == 1) {
                        static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
                        return memcmp(a, mapped, 12) == 0 && prefix_equal(a + 12, c->addr, c->prefix);
                }
                return false;
        }
        return inet_pton(AF_INET6, addr, a) == 1 && prefix_equal(a, c->addr, c->prefix);
}
