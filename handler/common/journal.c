/* journal: one datagram per entry to journald (see journal.h). */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal.h"

/* a field whose value has a newline takes 5 pieces, others 2 */
#define JOURNAL_MAX_FIELDS 16

bool journal_available(void)
{
        return access(JOURNAL_SOCKET, W_OK) == 0;
}

int journal_sendv(const struct iovec *fields, int n)
{
        static const struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET };
        struct iovec iov[JOURNAL_MAX_FIELDS * 5];
        uint64_t len[JOURNAL_MAX_FIELDS];
        size_t k = 0;
        ssize_t sent;
        int fd, r = 0;

        if (n < 0 || n > JOURNAL_MAX_FIELDS)
                return -E2BIG;
        for (int i = 0; i < n; i++) {
                const char *f = fields[i].iov_base;
                size_t flen = fields[i].iov_len;
                const char *eq = memchr(f, '=', flen);

                if (!eq)
                        return -EINVAL;
                if (!memchr(eq + 1, '\n', flen - (size_t)(eq + 1 - f))) {
                        /* KEY=value\n */
                        iov[k++] = (struct iovec){ (void *)f, flen };
                        iov[k++] = (struct iovec){ (void *)"\n", 1 };
                        continue;
                }
                /* KEY\n, the value's length as 64-bit little endian, the
                 * value, \n */
                len[i] = htole64((uint64_t)(flen - (size_t)(eq + 1 - f)));
                iov[k++] = (struct iovec){ (void *)f, (size_t)(eq - f) };
                iov[k++] = (struct iovec){ (void *)"\n", 1 };
                iov[k++] = (struct iovec){ &len[i], sizeof(len[i]) };
                iov[k++] = (struct iovec){ (void *)(eq + 1), flen - (size_t)(eq + 1 - f) };
                iov[k++] = (struct iovec){ (void *)"\n", 1 };
        }
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        sent = sendmsg(fd, &(struct msghdr){ .msg_name = (void *)&sa, .msg_namelen = sizeof(sa),
                                             .msg_iov = iov, .msg_iovlen = k }, MSG_NOSIGNAL);
        if (sent < 0)
                r = -errno;
        close(fd);
        return r;
}
