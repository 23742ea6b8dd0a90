/* http: one request in, one response out, with hard limits.
 *
 * The request head is parsed in place from one buffer that the request
 * owns; path, query and header pointers point into it.  A CGI request is
 * turned into the same textual head first, so both modes share one
 * parser and one set of limits. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "clock.h"
#include "fsutil.h"
#include "http.h"
#include "log.h"

const char *http_reason(int status)
{
        switch (status) {
        case 200: return "OK";
        case 202: return "Accepted";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 411: return "Length Required";
        case 413: return "Content Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default:  return "Unknown";
        }
}

const char *http_header(const struct http_request *req, const char *name)
{
        for (size_t i = 0; i < req->n_headers; i++)
                if (strcasecmp(req->headers[i].name, name) == 0)
                        return req->headers[i].value;
        return NULL;
}

/* RFC 9110 token characters */
static bool is_tchar(unsigned char c)
{
        return isalnum(c) || strchr("!#$%&'*+-.^_`|~", c);
}

static char *trim(char *s, char *end)
{
        while (s < end && (*s == ' ' || *s == '\t'))
                s++;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        *end = '\0';
        return s;
}

/* Split one line off *cur: returns its start, sets *len (without CR LF),
 * advances *cur past the line end. */
static char *next_line(char **cur, char *end, size_t *len)
{
        char *s = *cur, *nl = memchr(s, '\n', (size_t)(end - s));
        char *e = nl ? nl : end;

        *cur = nl ? nl + 1 : end;
        if (e > s && e[-1] == '\r')
                e--;
        *len = (size_t)(e - s);
        *e = '\0';
        return s;
}

static int parse_request_line(char *line, size_t len, struct http_request *req)
{
        char *sp1, *sp2, *target;
        size_t mlen;

        if (len > HTTP_MAX_REQUEST_LINE)
                return 414;
        sp1 = memchr(line, ' ', len);
        if (!sp1)
                return 400;
        mlen = (size_t)(sp1 - line);
        if (mlen == 0)
                return 400;
        for (size_t i = 0; i < mlen; i++)
                if (!is_tchar((unsigned char)line[i]))
                        return 400;
        if (mlen >= sizeof(req->method))
                return 501;
        memcpy(req->method, line, mlen);
        req->method[mlen] = '\0';

        target = sp1 + 1;
        sp2 = strchr(target, ' ');
        if (!sp2 || sp2 == target || strchr(sp2 + 1, ' '))
                return 400;
        *sp2 = '\0';
        if (strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)sp2[8]) || sp2[9])
                return strncmp(sp2 + 1, "HTTP/", 5) == 0 ? 505 : 400;
        req->minor = sp2[8] - '0';
        if (target[0] != '/')
                return 400;     /* origin-form only: no proxy requests */
        for (char *p = target; *p; p++)
                if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
                        return 400;
        req->path = target;
        req->query = strchr(target, '?');
        if (req->query)
                *req->query++ = '\0';
        return 0;
}

int http_parse_head(const char *buf, size_t len, struct http_request *req)
{
        char *cur, *end, *line;
        size_t llen;
        int r;

        if (len > HTTP_MAX_HEAD)
                return 431;
        if (memchr(buf, '\0', len))
                return 400;
        if (req->head)
                explicit_bzero(req->head, req->head_size);
        free(req->head);
        req->head_size = 0;
        req->head = malloc(len + 1);
        if (!req->head)
                return 500;
        memcpy(req->head, buf, len);
        req->head[len] = '\0';
        req->head_size = len + 1;
        req->n_headers = 0;
        cur = req->head;
        end = req->head + len;

        line = next_line(&cur, end, &llen);
        r = parse_request_line(line, llen, req);
        if (r)
                return r;

        while (cur < end) {
                char *colon, *name;

                line = next_line(&cur, end, &llen);
                if (llen == 0)
                        break;
                if (llen > HTTP_MAX_HEADER_LINE)
                        return 431;
                if (req->n_headers >= HTTP_MAX_HEADERS)
                        return 431;
                /* obsolete line folding is a smuggling vector: refuse */
                if (line[0] == ' ' || line[0] == '\t')
                        return 400;
                colon = strchr(line, ':');
                if (!colon || colon == line)
                        return 400;
                for (name = line; name < colon; name++)
                        if (!is_tchar((unsigned char)*name))
                                return 400;
                *colon = '\0';
                for (char *p = colon + 1; *p; p++)
                        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
                                return 400;
                req->headers[req->n_headers].name = line;
                req->headers[req->n_headers].value = trim(colon + 1, line + llen);
                req->n_headers++;
        }
        return 0;
}

/* Wait until fd is readable or the deadline passes: 1, 0 on timeout. */
static int wait_readable(int fd, long long deadline)
{
        for (;;) {
                long long left = deadline - now_ms();
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                int r;

                if (left <= 0)
                        return 0;
                r = poll(&pfd, 1, (int)left);
                if (r > 0)
                        return 1;
                if (r == 0)
                        return 0;
                if (errno != EINTR)
                        return -1;
        }
}

int http_check_host(const struct http_request *req)
{
        /* RFC 3986 host (reg-name, IPv4, [IPv6]) and port: no userinfo,
         * no path, no spaces */
        static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-._~!$&'()*+,;=:[]%";
        const char *host = NULL;

        for (size_t i = 0; i < req->n_headers; i++) {
                if (strcasecmp(req->headers[i].name, "Host") != 0)
                        continue;
                if (host)
                        return 400;
                host = req->headers[i].value;
        }
        if (!host)
                return req->minor >= 1 ? 400 : 0;
        return strspn(host, ok) == strlen(host) ? 0 : 400;
}

/* Content-Length: digits only, one value (repeats must agree). */
static int body_length(const struct http_request *req, size_t *len)
{
        const char *te;
        bool seen = false;

        *len = 0;
        for (size_t i = 0; i < req->n_headers; i++) {
                const char *v = req->headers[i].value;
                unsigned long long n = 0;

                if (strcasecmp(req->headers[i].name, "Content-Length") != 0)
                        continue;
                if (!*v || strlen(v) > 12 || strspn(v, "0123456789") != strlen(v))
                        return 400;
                n = strtoull(v, NULL, 10);
                if (seen && n != *len)
                        return 400;
                seen = true;
                *len = (size_t)n;
        }
        te = http_header(req, "Transfer-Encoding");
        if (te) {
                /* with Content-Length too it is a smuggling attempt
                 * (RFC 9112 6.3: reject, close); alone, chunked is a body
                 * we do not take: ask for a length; any other coding is
                 * one we do not implement (RFC 9112 6.1: 501) */
                if (seen)
                        return 400;
                return strcasecmp(te, "chunked") == 0 ? 411 : 501;
        }
        if (!seen)
                return (strcmp(req->method, "POST") == 0 ||
                        strcmp(req->method, "PUT") == 0) ? 411 : 0;
        if (*len > HTTP_MAX_BODY)
                return 413;
        return 0;
}

/* Read exactly len bytes of body, the first have bytes already in pre. */
static int read_body(int fd, long long deadline, const char *pre, size_t have,
                     size_t len, struct http_request *req)
{
        if (have > len)
                have = len;     /* ignore anything pipelined after the body */
        req->body = malloc(len + 1);
        if (!req->body)
                return 500;
        memcpy(req->body, pre, have);
        while (have < len) {
                ssize_t n;
                int w = wait_readable(fd, deadline);

                if (w == 0)
                        return 408;
                if (w < 0)
                        return 400;
                n = read(fd, req->body + have, len - have);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n <= 0)
                        return 400;     /* shorter than announced */
                have += (size_t)n;
        }
        req->body[len] = '\0';
        req->body_len = len;
        return 0;
}

static void peer_address(int fd, struct http_request *req)
{
        struct sockaddr_storage ss = { 0 };     /* ss_family too, for the analyzer */
        socklen_t sl = sizeof(ss);

        req->remote_addr[0] = '\0';
        if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
                return;
        if (ss.ss_family == AF_INET)
                inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
                          req->remote_addr, sizeof(req->remote_addr));
        else if (ss.ss_family == AF_INET6)
                inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
                          req->remote_addr, sizeof(req->remote_addr));
}

/* Where the head ends ("\r\n\r\n" or a bare "\n\n"), or NULL. */
static const char *head_end(const char *buf, size_t len, size_t *head_len)
{
        for (size_t i = 0; i + 1 < len; i++) {
                if (buf[i] != '\n')
                        continue;
                if (buf[i + 1] == '\n') {
                        *head_len = i + 1;
                        return buf + i + 2;
                }
                if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n') {
                        *head_len = i + 1;
                        return buf + i + 3;
                }
        }
        return NULL;
}

#define HEAD_BUF (HTTP_MAX_HEAD + 2)

/* A head still unterminated in buf[0..len): is its last, unfinished line
 * already over its limit?  Then the answer is known without waiting for
 * more (or for the deadline): 414 for the request line, 431 for a header
 * line.  A line may still get its CR, hence the + 1. */
static int partial_line_too_long(const char *buf, size_t len)
{
        const char *nl = memrchr(buf, '\n', len);

        if (!nl)
                return len > HTTP_MAX_REQUEST_LINE + 1 ? 414 : 0;
        return len - (size_t)(nl + 1 - buf) > HTTP_MAX_HEADER_LINE + 1 ? 431 : 0;
}

int http_read_request(int fd, int timeout_ms, struct http_request *req)
{
        long long deadline = now_ms() + timeout_ms;
        char *buf;
        size_t len = 0, head_len = 0, body_len;
        const char *body_start = NULL;
        int r;

        peer_address(fd, req);
        /* a head of HTTP_MAX_HEAD bytes plus the empty line that ends it */
        buf = malloc(HEAD_BUF);
        if (!buf)
                return 500;

        while (!body_start) {
                ssize_t n;
                int w;

                if (len >= HEAD_BUF) {
                        /* no end of head within the limit: the request
                         * line alone may be what is too long */
                        r = memchr(buf, '\n', len) || len < HTTP_MAX_REQUEST_LINE ? 431 : 414;
                        goto out;
                }
                w = wait_readable(fd, deadline);
                if (w == 0) {
                        r = len ? 408 : -1;
                        goto out;
                }
                if (w < 0) {
                        r = -1;
                        goto out;
                }
                n = read(fd, buf + len, HEAD_BUF - len);
                if (n < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (n <= 0) {
                        r = len ? 400 : -1;     /* peer closed mid-head */
                        goto out;
                }
                len += (size_t)n;
                body_start = head_end(buf, len, &head_len);
                if (!body_start && (r = partial_line_too_long(buf, len)))
                        goto out;
        }

        r = http_parse_head(buf, head_len, req);
        if (r)
                goto out;
        r = http_check_host(req);
        if (r)
                goto out;
        r = body_length(req, &body_len);
        if (r)
                goto out;
        r = read_body(fd, deadline, body_start, len - (size_t)(body_start - buf),
                      body_len, req);
out:
        /* the head may hold a token (Authorization, ?token=) */
        explicit_bzero(buf, HEAD_BUF);
        free(buf);
        return r;
}

/* HTTP_X_HUB_SIGNATURE_256 -> X-Hub-Signature-256 */
static void cgi_header_name(const char *env, char *out, size_t size)
{
        size_t i;

        for (i = 0; env[i] && i + 1 < size; i++)
                out[i] = env[i] == '_' ? '-' : env[i];
        out[i] = '\0';
}

int http_read_cgi_request(int fd, int timeout_ms, struct http_request *req)
{
        extern char **environ;
        const char *method = getenv("REQUEST_METHOD");
        const char *uri = getenv("REQUEST_URI");
        const char *script = getenv("SCRIPT_NAME");
        const char *pinfo = getenv("PATH_INFO");
        const char *query = getenv("QUERY_STRING");
        const char *clen = getenv("CONTENT_LENGTH");
        const char *ctype = getenv("CONTENT_TYPE");
        const char *addr = getenv("REMOTE_ADDR");
        char *head = NULL;
        size_t head_size = 0, body_len;
        FILE *f;
        int r;

        req->cgi = true;
        if (!method)
                return 400;
        snprintf(req->remote_addr, sizeof(req->remote_addr), "%s", addr ? addr : "");

        /* Rebuild the request head so the one parser applies its limits. */
        f = open_memstream(&head, &head_size);
        if (!f)
                return 500;
        if (uri && *uri)
                fprintf(f, "%s %s HTTP/1.1\r\n", method, uri);
        else
                fprintf(f, "%s %s%s%s%s HTTP/1.1\r\n", method,
                        script ? script : "", pinfo ? pinfo : "",
                        query && *query ? "?" : "", query ? query : "");
        if (clen && *clen)
                fprintf(f, "Content-Length: %s\r\n", clen);
        if (ctype && *ctype)
                fprintf(f, "Content-Type: %s\r\n", ctype);
        for (char **e = environ; *e; e++) {
                const char *eq = strchr(*e, '=');
                char name[HTTP_MAX_HEADER_LINE];

                if (strncmp(*e, "HTTP_", 5) != 0 || !eq)
                        continue;
                if ((size_t)(eq - *e - 5) >= sizeof(name))
                        continue;
                cgi_header_name(*e + 5, name, (size_t)(eq - *e - 5) + 1);
                fprintf(f, "%s: %s\r\n", name, eq + 1);
        }
        if (fclose(f) != 0) {
                free(head);
                return 500;
        }

        r = http_parse_head(head, head_size, req);
        explicit_bzero(head, head_size);
        free(head);
        if (r)
                return r;
        /* the web server already took the body off any chunking */
        r = body_length(req, &body_len);
        if (r)
                return r;
        return read_body(fd, now_ms() + timeout_ms, "", 0, body_len, req);
}

/* The answer in one writev, so that it leaves in one segment rather than
 * three; what a short write leaves goes piece by piece.  0 or -errno. */
static int write_pieces(int fd, struct iovec *iov, int n)
{
        ssize_t done;

        do
                done = writev(fd, iov, n);
        while (done < 0 && errno == EINTR);
        if (done < 0)
                return -errno;
        for (int i = 0; i < n; i++) {
                size_t skip = (size_t)done < iov[i].iov_len ? (size_t)done : iov[i].iov_len;
                int r;

                done -= (ssize_t)skip;
                if (skip < iov[i].iov_len &&
                    (r = write_all(fd, (const char *)iov[i].iov_base + skip, iov[i].iov_len - skip)) < 0)
                        return r;
        }
        return 0;
}

int http_write_response(int fd, bool cgi, int status, const char *json_body)
{
        return http_write_response_allow(fd, cgi, status, NULL, json_body);
}

int http_write_response_allow(int fd, bool cgi, int status, const char *allow,
                              const char *json_body)
{
        char allow_line[64] = "";

        /* RFC 9110 15.5.6: a 405 carries Allow; only a short list of
         * method tokens goes into it */
        if (allow && *allow && strlen(allow) < sizeof(allow_line) - 10 &&
            strspn(allow, "ABCDEFGHIJKLMNOPQRSTUVWXYZ, ") == strlen(allow))
                snprintf(allow_line, sizeof(allow_line), "Allow: %s\r\n", allow);
        return http_write_typed(fd, cgi, status, "application/json", allow_line, json_body ? json_body : "",
                                json_body ? strlen(json_body) : 0, true);
}

int http_write_typed(int fd, bool cgi, int status, const char *type, const char *extra,
                     const char *body, size_t blen, bool newline)
{
        char head[1024];
        int n;

        if (cgi)
                n = snprintf(head, sizeof(head),
                             "Status: %d %s\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                             status, http_reason(status), extra ? extra : "", type, blen + newline);
        else
                n = snprintf(head, sizeof(head),
                             "HTTP/1.1 %d %s\r\n%sContent-Type: %s\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                             status, http_reason(status), extra ? extra : "", type, blen + newline);
        if (n < 0 || (size_t)n >= sizeof(head))
                return -ENAMETOOLONG;
        return write_pieces(fd, (struct iovec[]){ { head, (size_t)n }, { (void *)body, blen },
                                                 { (void *)"\n", newline } }, 3);
}

void http_request_free(struct http_request *req)
{
        /* the head holds any token the request carried */
        if (req->head)
                explicit_bzero(req->head, req->head_size);
        free(req->head);
        free(req->body);
        memset(req, 0, sizeof(*req));
}

/* Release the peer: the answer is complete, and what follows (Docker
 * work) must not keep the registry waiting.  In inetd mode stdin and
 * stdout are the same socket, so closing fd 1 alone would not end the
 * connection: shut it down.  In CGI mode the web server ends the response
 * when our stdout and stderr close. */
void http_release(bool cgi)
{
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);

        if (!cgi)
                shutdown(STDOUT_FILENO, SHUT_RDWR);
        if (null >= 0) {
                dup2(null, STDIN_FILENO);
                dup2(null, STDOUT_FILENO);
                if (cgi)
                        dup2(null, STDERR_FILENO);
                close(null);
        }
        /* the web server reads stderr until it closes, so it went to
         * /dev/null with the rest: from here on, journald's own socket
         * when there is one (log_init sees the /dev/null) */
        if (cgi)
                log_init();
}
