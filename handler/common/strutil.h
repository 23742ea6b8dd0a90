/* strutil: copying outside strings into fixed buffers, whole or not at
 * all (a name cut to fit could name something else); arrays of strings. */
#pragma once

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The n bytes at src as a string in dst (size bytes); -EINVAL when they
 * do not fit. */
static inline int str_copy_n(char *dst, size_t size, const char *src, size_t n)
{
        if (n >= size)
                return -EINVAL;
        memcpy(dst, src, n);
        dst[n] = '\0';
        return 0;
}

/* src (NULL counts as "") whole into dst; -EINVAL when it does not fit. */
static inline int str_copy(char *dst, size_t size, const char *src)
{
        return str_copy_n(dst, size, src ? src : "", src ? strlen(src) : 0);
}

/* An array of n allocated strings, and the array itself. */
static inline void strv_free(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}
