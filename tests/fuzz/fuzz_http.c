/* Fuzz the HTTP request reader (handler/common/http.c).
 *
 * Input: the bytes a peer sends.  They go through http_parse_head() (up
 * to the empty line) and through http_read_request() from a file
 * descriptor, as in inetd mode.  An input that starts with "CGI\n" is a
 * CGI request instead: NAME=VALUE lines up to an empty line become the
 * whole environment, the rest is the body on stdin
 * (http_read_cgi_request()). */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "bounds.h"

extern char **environ;

/* Whatever the reader accepted must hold together. */
static void check_request(const struct http_request *req)
{
        FUZZ_ASSERT(strlen(req->method) < sizeof(req->method));
        FUZZ_ASSERT(req->path && req->path[0] == '/');
        FUZZ_ASSERT(req->n_headers <= HTTP_MAX_HEADERS);
        for (size_t i = 0; i < req->n_headers; i++) {
                FUZZ_ASSERT(req->headers[i].name && req->headers[i].name[0]);
                FUZZ_ASSERT(req->headers[i].value);
                FUZZ_ASSERT(http_header(req, req->headers[i].name));
        }
        FUZZ_ASSERT(req->body_len <= HTTP_MAX_BODY);
        if (req->body)
                FUZZ_ASSERT(req->body[req->body_len] == '\0');
}

static void fuzz_cgi(const uint8_t *data, size_t size)
{
        char *copy = fuzz_strndup(data, size), *p = copy, *end = copy + size;
        char *env[HTTP_MAX_HEADERS * 2 + 1];
        char **saved = environ;
        size_t n = 0;
        struct http_request req = { 0 };
        int r;

        /* NAME=VALUE lines, up to an empty line or the end */
        while (p < end && *p != '\n') {
                char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl)
                        nl = end;
                *nl = '\0';
                if (n < sizeof(env) / sizeof(env[0]) - 1)
                        env[n++] = p;
                p = nl < end ? nl + 1 : end;
        }
        if (p < end)
                p++;    /* the empty line */
        env[n] = NULL;

        environ = env;
        r = http_read_cgi_request(fuzz_memfd((const uint8_t *)p, (size_t)(end - p)), 1000, &req);
        environ = saved;
        if (r == 0) {
                FUZZ_ASSERT(req.cgi);
                check_request(&req);
        }
        http_request_free(&req);
        free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct http_request req = { 0 };
        const char *body;
        long head_len;
        int r;

        if (size >= 4 && memcmp(data, "CGI\n", 4) == 0) {
                fuzz_cgi(data + 4, size - 4);
                return 0;
        }

        /* the pure head parser, on an exact-size copy */
        head_len = fuzz_head_end((const char *)data, size, &body);
        if (head_len >= 0) {
                char *head = fuzz_strndup(data, (size_t)head_len);
                r = http_parse_head(head, (size_t)head_len, &req);
                if (r == 0)
                        check_request(&req);
                else
                        FUZZ_ASSERT(r >= 400 && r < 600);
                http_request_free(&req);
                free(head);
        }

        /* the reader, from a file descriptor */
        r = http_read_request(fuzz_memfd(data, size), 1000, &req);
        if (r == 0)
                check_request(&req);
        else
                FUZZ_ASSERT(r == -1 || (r >= 400 && r < 600));
        http_request_free(&req);
        return 0;
}
