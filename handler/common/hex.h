/* hex: the value of one hexadecimal digit, for every parser of outside
 * input that decodes %XX (auth.c's query strings, formats.c's forms). */
#pragma once

/* 0..15, or -1 when c is not a hex digit (either case). */
static inline int hex_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}
