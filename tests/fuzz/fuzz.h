/* Shared by the fuzz harnesses (tests/fuzz/fuzz_*.c).
 *
 * Each harness is one LLVMFuzzerTestOneInput().  It is linked either
 * with libFuzzer (make fuzz, clang) or with replay.c (make unit / make
 * san, gcc), which runs it over every file of the corpus directories. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A harness found an output that breaks an invariant of the code under
 * test: a crash, so libFuzzer keeps the input and replay fails. */
#define FUZZ_ASSERT(cond)                                                     \
        do {                                                                  \
                if (!(cond)) {                                                \
                        fprintf(stderr, "%s:%d: invariant failed: %s\n",      \
                                __FILE__, __LINE__, #cond);                   \
                        abort();                                              \
                }                                                             \
        } while (0)

/* A malloc'd copy of data with a NUL after it (as http.c hands bodies
 * on), so reads past size are caught by ASan. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
        char *s = malloc(size + 1);

        if (!s)
                abort();
        if (size)
                memcpy(s, data, size);
        s[size] = '\0';
        return s;
}

/* One memfd per process, refilled with data and rewound: a file
 * descriptor to read a request from, and a path (/proc/self/fd/N) to
 * load a file from. */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
        static int fd = -1;

        if (fd < 0) {
                fd = memfd_create("fuzz", MFD_CLOEXEC);
                if (fd < 0) {
                        perror("memfd_create");
                        abort();
                }
        }
        if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size) ||
            lseek(fd, 0, SEEK_SET) < 0) {
                perror("memfd");
                abort();
        }
        return fd;
}

/* Where the request head ends in buf ("\r\n\r\n" or "\n\n"): the head's
 * length (without the empty line), and *body past it; or -1. */
static inline long fuzz_head_end(const char *buf, size_t len, const char **body)
{
        for (size_t i = 0; i + 1 < len; i++) {
                if (buf[i] != '\n')
                        continue;
                if (buf[i + 1] == '\n') {
                        *body = buf + i + 2;
                        return (long)i + 1;
                }
                if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n') {
                        *body = buf + i + 3;
                        return (long)i + 1;
                }
        }
        return -1;
}
