/* imagequery: /v1/update's image= names (see imagequery.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "hex.h"
#include "imagequery.h"

/* One parameter's value, s[0..len), decoded into buf: %XX, and '+' as
 * a space (which no image name holds: refused by imageref_parse then).
 * -EINVAL for a bad escape or a NUL, -E2BIG when it does not fit. */
static int decode(const char *s, size_t len, char *buf, size_t size)
{
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];

                if (c == '%') {
                        int hi, lo;

                        if (len - i < 3)
                                return -EINVAL;
                        hi = hex_value(s[i + 1]);
                        lo = hex_value(s[i + 2]);
                        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                                return -EINVAL;
                        c = (char)(hi * 16 + lo);
                        i += 2;
                } else if (c == '+') {
                        c = ' ';
                }
                if (o + 1 >= size)
                        return -E2BIG;
                buf[o++] = c;
        }
        buf[o] = '\0';
        return 0;
}

/* The names in one decoded value, comma-separated. */
static int add_names(char *value, struct poll_image *out, size_t *n, char *why, size_t size)
{
        char *name = value;

        for (;;) {
                char *comma = strchr(name, ',');

                if (comma)
                        *comma = '\0';
                if (!*name) {
                        snprintf(why, size, "image=: an empty image name (write image=NAME[,NAME...])");
                        return -EINVAL;
                }
                if (*n >= IMAGEQUERY_MAX) {
                        snprintf(why, size, "image=: more than %d images in one request", IMAGEQUERY_MAX);
                        return -EINVAL;
                }
                memset(&out[*n], 0, sizeof(out[*n]));
                if (imageref_parse(name, &out[*n].ref) < 0) {
                        char shown[80];
                        size_t k;

                        /* printable ASCII only: it goes to JSON and the log */
                        for (k = 0; name[k] && k + 1 < sizeof(shown); k++)
                                shown[k] = name[k] > ' ' && name[k] < 0x7f ? name[k] : '?';
                        shown[k] = '\0';
                        snprintf(why, size, "image=%s%s: not an image name", shown, name[k] ? "..." : "");
                        return -EINVAL;
                }
                (*n)++;
                if (!comma)
                        return 0;
                name = comma + 1;
        }
}

int imagequery_parse(const char *query, struct poll_image *out, size_t *n, char *why, size_t size)
{
        char value[IMAGE_REF_MAX * 2];
        const char *p = query;

        *n = 0;
        why[0] = '\0';
        while (p && *p) {
                size_t len = strcspn(p, "&");
                const char *eq = memchr(p, '=', len);
                int r;

                if (eq && eq - p == 5 && memcmp(p, "image", 5) == 0) {
                        r = decode(eq + 1, len - 6, value, sizeof(value));
                        if (r == -E2BIG) {
                                snprintf(why, size, "image=: a value longer than %zu bytes", sizeof(value) - 1);
                                return -EINVAL;
                        }
                        if (r < 0) {
                                snprintf(why, size, "image=: a bad %%-escape");
                                return -EINVAL;
                        }
                        r = add_names(value, out, n, why, size);
                        if (r < 0)
                                return r;
                }
                p += len;
                if (*p == '&')
                        p++;
        }
        return 0;
}
