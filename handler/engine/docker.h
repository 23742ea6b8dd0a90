/* docker: a small Docker Engine API client over libcurl, on the daemon's
 * unix socket or tcp.  The API version is negotiated with the daemon
 * (the highest both sides know), never pinned. */
#pragma once

#include <stdbool.h>
#include <jansson.h>

/* The newest API version this client was written against.  Requests use
 * min(this, the daemon's). */
#define DOCKER_CLIENT_API_MAX "1.47"

struct docker {
        void *curl;             /* CURL * */
        char *unix_path;        /* socket path, or NULL for tcp */
        char *base;             /* "http://localhost" or "http://host:port" */
        char api[16];           /* negotiated, e.g. "1.41" */
        int api_minor;          /* 41 */
        char errbuf[256];       /* last transport error, for logs */
};

/* Connect to host ("unix:///run/docker.sock", "tcp://127.0.0.1:2375") and
 * negotiate the API version (GET /_ping).  Returns 0, -ECONNREFUSED when
 * the daemon is not there, -EPROTO on an unusable answer. */
int docker_open(struct docker *d, const char *host);
void docker_close(struct docker *d);

/* One API call.  path is relative to the version prefix ("/containers/json").
 * body (may be NULL) is sent as JSON.  On success returns the HTTP status
 * and, when reply is not NULL, the parsed JSON reply (NULL if the reply is
 * empty or not JSON); the caller json_decref()s it.  Returns -errno on
 * transport errors.  timeout_s 0 means the default (60 s). */
int docker_call(struct docker *d, const char *method, const char *path,
                json_t *body, json_t **reply, int timeout_s);

/* docker_call with "X-Registry-Auth: auth" (none when auth is NULL): the
 * endpoints that make the daemon or the swarm pull. */
int docker_call_auth(struct docker *d, const char *method, const char *path, json_t *body,
                     json_t **reply, int timeout_s, const char *auth);

/* docker_call with a printf-style path. */
int docker_callf(struct docker *d, const char *method, json_t *body, json_t **reply,
                 int timeout_s, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A call whose reply is a stream (exec start without Detach): what the
 * daemon sends goes to write(ptr, 1, n, data) as it comes, never held
 * whole; write returns n to go on, anything else to stop.  body (may be
 * NULL) is sent as JSON.  Returns the HTTP status, or -errno (-ETIMEDOUT
 * after timeout_s). */
int docker_call_stream(struct docker *d, const char *method, const char *path, json_t *body,
                       int timeout_s, size_t (*write)(char *, size_t, size_t, void *), void *data);

/* POST /images/create for "repo:tag" and read the progress stream to the
 * end, line by line as it arrives (never held whole).  auth (may be NULL)
 * is the X-Registry-Auth value.  Returns 0, or -ENOENT (no such image /
 * tag), -EACCES (denied), -EINVAL (another 4xx: a bad request), -EIO
 * (a Docker 5xx or another error in the stream: worth retrying; message
 * in d->errbuf), or a transport -errno (any curl failure: the daemon
 * went away or restarted mid-pull). */
int docker_pull(struct docker *d, const char *repo, const char *tag,
                const char *auth);

/* The message of an error reply ({"message": "..."}), or "". */
const char *docker_error_message(const json_t *reply);

/* Escape s for a URL query value; the caller frees with docker_free(). */
char *docker_escape(struct docker *d, const char *s);
void docker_free(void *p);
