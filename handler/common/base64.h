/* base64: the one strict decoder of RFC 4648 §4 base64 that outside
 * input goes through (GAR's Pub/Sub data, config.json "auth").  Encoding
 * is Nettle's (nettle/base64.h). */
#pragma once

#include <stddef.h>

/* The most bytes base64_decode writes for len characters. */
#define BASE64_DECODED_MAX(len) ((len) / 4 * 3 + 3)

/* Standard base64 with or without its '=' padding; anything else
 * (whitespace, the URL-safe alphabet, stray bits) is refused.  dst holds
 * BASE64_DECODED_MAX(len) bytes.  Returns the decoded length or
 * -EBADMSG. */
long base64_decode(const char *src, size_t len, unsigned char *dst);
