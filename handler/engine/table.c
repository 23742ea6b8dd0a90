/* table: aligned text columns. */
#include "table.h"

void table_cell(char *buf, size_t size, const char *s)
{
        size_t n = 0;

        if (!size)
                return;
        if (!s || !*s)
                s = "-";
        for (; *s && n + 1 < size; s++, n++)
                buf[n] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
        if (((unsigned char)*s & 0xc0) == 0x80) {
                while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
                        n--;
                if (n > 0)
                        n--;    /* and the sequence's lead byte */
        }
        buf[n] = '\0';
}

size_t table_width(const char *s)
{
        size_t w = 0;

        for (; *s; s++)
                w += ((unsigned char)*s & 0xc0) != 0x80;
        return w;
}

void table_line(FILE *out, const char *const *v, const size_t *w, size_t n)
{
        size_t pad = 0;

        for (size_t i = 0; i < n; i++) {
                if (*v[i]) {
                        fprintf(out, "%*s%s", (int)pad, "", v[i]);
                        pad = 0;
                }
                pad += w[i] + 2 - table_width(v[i]);
        }
        fputc('\n', out);
}
