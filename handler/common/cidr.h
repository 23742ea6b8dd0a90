/* cidr: address ranges for a source's allow-from list. */
#pragma once

#include <stdbool.h>

struct cidr {
        int family;                     /* AF_INET or AF_INET6 */
        unsigned char addr[16];
        int prefix;                     /* bits that must match */
};

/* "10.0.0.0/8", "::1", "192.0.2.7" (a lone address is /32 or /128).
 * Returns 0 or -EINVAL. */
int cidr_parse(const char *s, struct cidr *c);

/* Does the textual address (as getpeername or REMOTE_ADDR give it) fall in
 * c?  IPv4-mapped IPv6 addresses ("::ffff:10.1.2.3") count as IPv4. */
bool cidr_contains(const struct cidr *c, const char *addr);
