/* http: read one HTTP/1.1 request with hard limits, or take it from a CGI
 * environment, and write one response.
 *
 * Nothing here trusts the peer: every read is bounded by bounds.h and by
 * a deadline for the whole request. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"

struct http_header {
        char *name;     /* as sent; compare with strcasecmp */
        char *value;    /* leading and trailing blanks removed */
};

struct http_request {
        char method[HTTP_MAX_METHOD];
        char *path;                     /* "/hooks/registry" (not decoded) */
        char *query;                    /* after '?', or NULL */
        struct http_header headers[HTTP_MAX_HEADERS];
        size_t n_headers;
        char *body;                     /* NUL-terminated copy, may hold NULs */
        size_t body_len;
        char remote_addr[64];           /* peer address, or "" */
        bool cgi;                       /* came from a CGI environment */
        int minor;                      /* HTTP/1.<minor> */
        char *head;                     /* owns path, query and headers */
        size_t head_size;               /* bytes in head (wiped on free) */
};

/* Case-insensitive header lookup; NULL if absent. */
const char *http_header(const struct http_request *req, const char *name);

/* Parse a request head (request line + headers, without the final empty
 * line) held in buf[0..len).  Pure function, used by the reader and the
 * tests.  Returns 0 or an HTTP status: 400 malformed, 405 bad method
 * token, 414 request line too long, 431 header line too long or too
 * many headers, 505 not HTTP/1.x. */
int http_parse_head(const char *buf, size_t len, struct http_request *req);

/* RFC 9112 3.2: an HTTP/1.1 request has exactly one Host header, with a
 * valid value (empty is allowed: origin-form targets carry no authority);
 * HTTP/1.0 may go without, but not with two.  Returns 0 or 400.  The raw
 * reader asks this; behind a web server (CGI) the server already has. */
int http_check_host(const struct http_request *req);

/* Read one request from fd (inetd mode) within timeout_ms.  Returns 0 or
 * the HTTP status to answer with, or -1 when the peer went away (or never
 * said anything until the deadline) and nothing should be answered:
 *   400  malformed head, NUL or control bytes, no or several or an
 *        invalid Host (http_check_host), a bad or conflicting
 *        Content-Length, Content-Length with Transfer-Encoding, or the
 *        peer closed before the announced body was complete
 *   408  the whole request did not arrive within timeout_ms
 *   411  POST or PUT without Content-Length (also chunked bodies)
 *   413  Content-Length over HTTP_MAX_BODY (before any body byte is read)
 *   414  request line over HTTP_MAX_REQUEST_LINE (RFC 9112 3: a
 *        request-target too long is 414; 431 is for header fields)
 *   431  a header line, the number of headers or the whole head too large
 *   501  a method token too long, or a transfer coding other than chunked
 *   505  not HTTP/1.x
 * An over-long line is refused as soon as it is seen, not at the
 * deadline.  The read buffer is wiped before it is freed. */
int http_read_request(int fd, int timeout_ms, struct http_request *req);

/* Build the request from the CGI environment (RFC 3875) and read the body
 * from fd.  Returns 0 or an HTTP status as above. */
int http_read_cgi_request(int fd, int timeout_ms, struct http_request *req);

/* Write a complete response with a JSON body: a status line (or a CGI
 * "Status:" header), Content-Type, Content-Length and Connection: close.
 * Returns 0 or -errno. */
int http_write_response(int fd, bool cgi, int status, const char *json_body);

/* The same, with an "Allow: METHODS" header when allow is non-empty (for
 * a 405; only upper-case method tokens, commas and spaces are taken). */
int http_write_response_allow(int fd, bool cgi, int status, const char *allow,
                              const char *json_body);

/* The general form: body[0..blen) as type ("text/plain; version=0.0.4"),
 * extra header lines ("Name: value\r\n" each, may be NULL) after the
 * status line, a newline after the body when newline is set (the JSON
 * answers end with one).  Returns 0 or -errno. */
int http_write_typed(int fd, bool cgi, int status, const char *type, const char *extra,
                     const char *body, size_t blen, bool newline);

const char *http_reason(int status);

/* Release the peer once the answer is complete, so that what follows
 * (Docker work) keeps no one waiting: in inetd mode the socket is shut
 * down; stdin and stdout (and in CGI mode stderr, the log then going to
 * journald's socket) become /dev/null. */
void http_release(bool cgi);

/* Frees the request, wiping its head (it may hold a token) first. */
void http_request_free(struct http_request *req);
