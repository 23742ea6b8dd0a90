/* journal: journald's native protocol, spoken directly.
 *
 * libsystemd would do this too, but it brings six more shared libraries
 * (gcrypt, lzma, zstd, lz4, cap, gpg-error) into every webhook process,
 * each with its load time; the protocol is a datagram of fields. */
#pragma once

#include <stdbool.h>
#include <sys/uio.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Send one entry: each iov is one "KEY=value" field (value may hold
 * newlines).  0, or -errno (the caller falls back to stderr). */
int journal_sendv(const struct iovec *fields, int n);

/* Is journald there to send to? */
bool journal_available(void);
