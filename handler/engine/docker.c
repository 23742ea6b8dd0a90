/* docker: Engine API over libcurl. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "docker.h"
#include "bounds.h"

struct reply_buf {
        char *data;
        size_t len;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *user)
{
        struct reply_buf *b = user;
        size_t n = size * nmemb;
        char *p;

        if (b->len + n > DOCKER_MAX_REPLY)
                return 0;       /* makes curl fail the transfer: -EFBIG */
        p = realloc(b->data, b->len + n + 1);
        if (!p)
                return 0;
        memcpy(p + b->len, ptr, n);
        b->data = p;
        b->len += n;
        b->data[b->len] = '\0';
        return n;
}

struct ping_hdr {
        char api[16];
};

static size_t ping_header(char *buf, size_t size, size_t nitems, void *user)
{
        struct ping_hdr *h = user;
        size_t n = size * nitems;

        if (n > 12 && strncasecmp(buf, "Api-Version:", 12) == 0) {
                char *v = buf + 12;
                size_t vl = n - 12;
                while (vl && (*v == ' ' || *v == '\t')) {
                        v++;
                        vl--;
                }
                while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
                        vl--;
                if (vl < sizeof(h->api)) {
                        memcpy(h->api, v, vl);
                        h->api[vl] = '\0';
                }
        }
        return n;
}

static int api_minor(const char *v)
{
        int major, minor;

        if (sscanf(v, "%d.%d", &major, &minor) != 2 || major != 1)
                return -1;
        return minor;
}

static void reset(struct docker *d, const char *url, int timeout_s)
{
        CURL *c = d->curl;

        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        if (d->unix_path)
                curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, d->unix_path);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(timeout_s ? timeout_s : 60));
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, d->errbuf);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        d->errbuf[0] = '\0';
}

static int curl_to_errno(CURLcode rc)
{
        switch (rc) {
        case CURLE_OK:                  return 0;
        case CURLE_COULDNT_CONNECT:     return -ECONNREFUSED;
        case CURLE_OPERATION_TIMEDOUT:  return -ETIMEDOUT;
        case CURLE_WRITE_ERROR:         return -EFBIG;
        default:                        return -EIO;
        }
}

/* Why the daemon could not be reached, in words one can act on, into
 * d->errbuf: libcurl says "Failed to connect to localhost port 80" for
 * every unix socket it cannot use.  The one place that words it, so the
 * drain, status and update say the same. */
static void explain_connect_failure(struct docker *d, CURLcode rc)
{
        long os_errno = 0;
        struct stat st;

        curl_easy_getinfo(d->curl, CURLINFO_OS_ERRNO, &os_errno);
        if (!d->unix_path) {
                const char *target = d->base + strlen("http://");

                if (rc == CURLE_COULDNT_RESOLVE_HOST)
                        snprintf(d->errbuf, sizeof(d->errbuf), "cannot resolve the host of %s", target);
                else if (os_errno == ECONNREFUSED)
                        snprintf(d->errbuf, sizeof(d->errbuf), "connection refused at %s", target);
                else if (os_errno)
                        snprintf(d->errbuf, sizeof(d->errbuf), "cannot connect to %s: %s", target,
                                 strerror((int)os_errno));
                return;         /* else curl's own words */
        }
        if (stat(d->unix_path, &st) < 0) {
                if (errno == EACCES)
                        snprintf(d->errbuf, sizeof(d->errbuf),
                                 "%s: permission denied: cannot reach it through its directories", d->unix_path);
                else
                        snprintf(d->errbuf, sizeof(d->errbuf), "%s: %s", d->unix_path,
                                 errno == ENOENT || errno == ENOTDIR ? "no such file" : strerror(errno));
        } else if (!S_ISSOCK(st.st_mode))
                snprintf(d->errbuf, sizeof(d->errbuf), "%s: not a socket", d->unix_path);
        else if (os_errno == EACCES || os_errno == EPERM || access(d->unix_path, W_OK) < 0)
                /* connecting to a socket needs write permission on it */
                snprintf(d->errbuf, sizeof(d->errbuf),
                         "%s: permission denied: add the user to group docker (or run as root)", d->unix_path);
        else if (os_errno && os_errno != ECONNREFUSED)
                /* a listener that cannot take us now (a full backlog) */
                snprintf(d->errbuf, sizeof(d->errbuf), "%s: %s", d->unix_path, strerror((int)os_errno));
        else
                snprintf(d->errbuf, sizeof(d->errbuf), "nothing listens on %s", d->unix_path);
}

/* A failed transfer as -errno, with its cause explained when the
 * connection itself failed. */
static int transfer_failed(struct docker *d, CURLcode rc)
{
        if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
                explain_connect_failure(d, rc);
        return curl_to_errno(rc);
}

int docker_open(struct docker *d, const char *host)
{
        struct ping_hdr h = { .api = "" };
        char url[512];
        CURLcode rc;
        long status = 0;
        int minor;

        memset(d, 0, sizeof(*d));
        d->curl = curl_easy_init();
        if (!d->curl)
                return -ENOMEM;
        if (strncmp(host, "unix://", 7) == 0) {
                d->unix_path = strdup(host + 7);
                d->base = strdup("http://localhost");
        } else if (strncmp(host, "tcp://", 6) == 0) {
                if (asprintf(&d->base, "http://%s", host + 6) < 0)
                        d->base = NULL;
        } else
                return -EINVAL;
        if (!d->base || (strncmp(host, "unix://", 7) == 0 && !d->unix_path))
                return -ENOMEM;

        snprintf(url, sizeof(url), "%s/_ping", d->base);
        reset(d, url, 10);
        curl_easy_setopt(d->curl, CURLOPT_HEADERFUNCTION, ping_header);
        curl_easy_setopt(d->curl, CURLOPT_HEADERDATA, &h);
        curl_easy_setopt(d->curl, CURLOPT_NOBODY, 1L);  /* HEAD /_ping */
        rc = curl_easy_perform(d->curl);
        if (rc != CURLE_OK)
                return transfer_failed(d, rc);
        curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
        minor = api_minor(h.api);
        if (status != 200 || minor < 0) {
                snprintf(d->errbuf, sizeof(d->errbuf), "daemon answered /_ping with %ld, API version '%s'",
                         status, h.api);
                return -EPROTO;
        }
        if (minor > api_minor(DOCKER_CLIENT_API_MAX))
                minor = api_minor(DOCKER_CLIENT_API_MAX);
        d->api_minor = minor;
        snprintf(d->api, sizeof(d->api), "1.%d", minor);
        return 0;
}

void docker_close(struct docker *d)
{
        if (d->curl)
                curl_easy_cleanup(d->curl);
        free(d->unix_path);
        free(d->base);
        memset(d, 0, sizeof(*d));
}

char *docker_escape(struct docker *d, const char *s)
{
        return curl_easy_escape(d->curl, s, 0);
}

void docker_free(void *p)
{
        curl_free(p);
}

const char *docker_error_message(const json_t *reply)
{
        const char *m = json_string_value(json_object_get(reply, "message"));
        return m ? m : "";
}

/* One request; what the daemon answers goes to write(data) as it comes.
 * The HTTP status, or -errno when the transfer failed (any curl error). */
static int perform(struct docker *d, const char *method, const char *path,
                   const char *body, const char *extra_header, int timeout_s,
                   curl_write_callback write, void *data)
{
        struct curl_slist *hdrs = NULL;
        char url[4096];
        CURLcode rc;
        long status = 0;

        if (snprintf(url, sizeof(url), "%s/v%s%s", d->base, d->api, path) >= (int)sizeof(url))
                return -ENAMETOOLONG;
        reset(d, url, timeout_s);
        curl_easy_setopt(d->curl, CURLOPT_CUSTOMREQUEST, method);
        hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
        if (extra_header)
                hdrs = curl_slist_append(hdrs, extra_header);
        curl_easy_setopt(d->curl, CURLOPT_HTTPHEADER, hdrs);
        if (body)
                curl_easy_setopt(d->curl, CURLOPT_POSTFIELDS, body);
        else if (strcmp(method, "POST") == 0)
                curl_easy_setopt(d->curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(d->curl, CURLOPT_WRITEFUNCTION, write);
        curl_easy_setopt(d->curl, CURLOPT_WRITEDATA, data);
        rc = curl_easy_perform(d->curl);
        /* the extra header may be X-Registry-Auth: wipe curl's copy */
        for (struct curl_slist *h = hdrs; h; h = h->next)
                explicit_bzero(h->data, strlen(h->data));
        curl_slist_free_all(hdrs);
        if (rc != CURLE_OK)
                return transfer_failed(d, rc);  /* collect's refusal is CURLE_WRITE_ERROR: -EFBIG */
        curl_easy_getinfo(d->curl, CURLINFO_RESPONSE_CODE, &status);
        return (int)status;
}

static int call(struct docker *d, const char *method, const char *path, json_t *body,
                json_t **reply, int timeout_s, const char *header);

/* "X-Registry-Auth: AUTH", or NULL without memory; it holds credentials:
 * free it with secret_header_free. */
static char *registry_auth_header(const char *auth)
{
        char *hdr;

        return asprintf(&hdr, "X-Registry-Auth: %s", auth) < 0 ? NULL : hdr;
}

static void secret_header_free(char *hdr)
{
        if (hdr)
                explicit_bzero(hdr, strlen(hdr));
        free(hdr);
}

int docker_call(struct docker *d, const char *method, const char *path,
                json_t *body, json_t **reply, int timeout_s)
{
        return call(d, method, path, body, reply, timeout_s, NULL);
}

int docker_call_auth(struct docker *d, const char *method, const char *path, json_t *body,
                     json_t **reply, int timeout_s, const char *auth)
{
        char *hdr = NULL;
        int status;

        if (auth && !(hdr = registry_auth_header(auth)))
                return -ENOMEM;
        status = call(d, method, path, body, reply, timeout_s, hdr);
        secret_header_free(hdr);
        return status;
}

static int call(struct docker *d, const char *method, const char *path, json_t *body,
                json_t **reply, int timeout_s, const char *header)
{
        struct reply_buf b = { 0 };
        char *payload = NULL;
        int status;

        if (reply)
                *reply = NULL;
        if (body) {
                payload = json_dumps(body, JSON_COMPACT);
                if (!payload)
                        return -ENOMEM;
        }
        status = perform(d, method, path, payload, header, timeout_s, collect, &b);
        free(payload);
        if (status > 0 && reply && b.len)
                *reply = json_loadb(b.data, b.len, 0, NULL);
        free(b.data);
        return status;
}

int docker_callf(struct docker *d, const char *method, json_t *body, json_t **reply,
                 int timeout_s, const char *fmt, ...)
{
        char path[2048];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(path, sizeof(path), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t)n >= sizeof(path))
                return -ENAMETOOLONG;
        return docker_call(d, method, path, body, reply, timeout_s);
}

int docker_call_stream(struct docker *d, const char *method, const char *path, json_t *body,
                       int timeout_s, size_t (*write)(char *, size_t, size_t, void *), void *data)
{
        char *payload = NULL;
        int status;

        if (body) {
                payload = json_dumps(body, JSON_COMPACT);
                if (!payload)
                        return -ENOMEM;
        }
        status = perform(d, method, path, payload, NULL, timeout_s, write, data);
        free(payload);
        return status;
}

/* The pull's progress stream, read as it arrives: one JSON object a
 * line, of which only an error matters (it may come last, after
 * gigabytes of progress).  A line longer than the bound is skipped; only
 * the last error message is kept. */
struct pull_stream {
        char line[DOCKER_PULL_LINE_MAX];
        size_t len;
        bool overlong;                  /* this line went over: skipped */
        bool error_seen;
        char error[256];
};

static void pull_line(struct pull_stream *p)
{
        json_t *j;
        const char *err;

        if (!p->overlong && p->len) {
                j = json_loadb(p->line, p->len, 0, NULL);
                /* "error" in the stream; "message" in a non-200 reply */
                err = json_string_value(json_object_get(j, "error"));
                if (!err)
                        err = json_string_value(json_object_get(j, "message"));
                if (err) {
                        snprintf(p->error, sizeof(p->error), "%s", err);
                        p->error_seen = true;
                }
                json_decref(j);
        }
        p->len = 0;
        p->overlong = false;
}

static size_t pull_write(char *ptr, size_t size, size_t nmemb, void *user)
{
        struct pull_stream *p = user;
        size_t n = size * nmemb;

        for (size_t i = 0; i < n; i++) {
                if (ptr[i] == '\n') {
                        pull_line(p);
                        continue;
                }
                if (p->len == sizeof(p->line))
                        p->overlong = true;
                else
                        p->line[p->len++] = ptr[i];
        }
        return n;
}

/* What the registry said, through Docker's message: a refusal that a
 * retry will not change (-ENOENT: no such image or tag; -EACCES: no or
 * wrong credentials), or 0 when the message names no such cause.  Docker
 * answers a registry's 401 with a 500 and the registry's words, so the
 * status alone cannot tell. */
static int pull_refusal(const char *msg)
{
        static const char *const denied[] = { "denied", "unauthorized", "authentication required",
                                              "no basic auth credentials", NULL };
        static const char *const missing[] = { "not found", "manifest unknown", "name unknown", NULL };

        for (size_t i = 0; denied[i]; i++)
                if (strcasestr(msg, denied[i]))
                        return -EACCES;
        for (size_t i = 0; missing[i]; i++)
                if (strcasestr(msg, missing[i]))
                        return -ENOENT;
        return 0;
}

int docker_pull(struct docker *d, const char *repo, const char *tag,
                const char *auth)
{
        struct pull_stream *ps = calloc(1, sizeof(*ps));
        char path[2048], *erepo, *etag, *hdr = NULL;
        int status, r = 0;

        erepo = docker_escape(d, repo);
        etag = docker_escape(d, tag);
        if (!ps || !erepo || !etag) {
                r = -ENOMEM;
                goto out;
        }
        snprintf(path, sizeof(path), "/images/create?fromImage=%s&tag=%s", erepo, etag);
        if (auth && !(hdr = registry_auth_header(auth))) {
                r = -ENOMEM;
                goto out;
        }
        status = perform(d, "POST", path, NULL, hdr, 900, pull_write, ps);
        if (status < 0) {
                r = status;     /* the daemon went away, or the transfer broke */
                goto out;
        }
        pull_line(ps);          /* a last line without a newline */
        if (status != 200) {
                snprintf(d->errbuf, sizeof(d->errbuf), "%s", ps->error);
                r = status == 404 ? -ENOENT : status == 401 || status == 403 ? -EACCES :
                    pull_refusal(ps->error);
                /* otherwise a 5xx is Docker's own trouble (retried), and
                 * another 4xx a request it will never take */
                if (r == 0)
                        r = status >= 500 ? -EIO : -EINVAL;
                goto out;
        }
        /* 200 with a stream of JSON objects; an error may come last */
        if (ps->error_seen) {
                snprintf(d->errbuf, sizeof(d->errbuf), "%s", ps->error);
                r = pull_refusal(ps->error);
                if (r == 0)
                        r = -EIO;
        }
out:
        secret_header_free(hdr);
        docker_free(erepo);
        docker_free(etag);
        free(ps);
        return r;
}
