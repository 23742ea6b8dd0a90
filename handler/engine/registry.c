/* registry: the v2 client (see registry.h).
 *
 * One request is one call of send_once(); request() around it answers
 * 401 (token or Basic, once) and 429 (bounded waits).  What the registry
 * sends is outside input: bodies are capped at REGISTRY_REPLY_MAX, each
 * header we read at its own named limit, and the token and credentials
 * are wiped when released and never logged. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <nettle/sha2.h>

#include "clock.h"
#include "hostmap.h"
#include "imagecfg.h"
#include "imageref.h"
#include "log.h"
#include "regauth.h"
#include "registry.h"
#include "shutdown.h"
#include "strutil.h"
#include "wwwauth.h"

#define HUB_NAME        "docker.io"
#define HUB_API_HOST    "registry-1.docker.io"
#define URL_MAX         (REGISTRY_HOST_MAX + REPOSITORY_MAX + TAG_MAX + 64)
#define LINK_MAX        (URL_MAX + 64)
#define ERROR_MAX       512
#define TOKEN_MAX       (16 * 1024)     /* a registry token; Docker Hub's are ~1-2 KiB */

/* the media types a tag may name: multi-platform first, as docker asks */
static const char *const accept_headers[] = {
        "Accept: application/vnd.oci.image.index.v1+json",
        "Accept: application/vnd.docker.distribution.manifest.list.v2+json",
        "Accept: application/vnd.oci.image.manifest.v1+json",
        "Accept: application/vnd.docker.distribution.manifest.v2+json",
};

struct registry_conn {
        const struct config *cfg;
        struct registry_target t;
        CURL *curl;
        char *bearer;                   /* token for t.repository, wiped on release */
        struct regauth_cred cred;       /* looked up at the first 401 */
        bool cred_looked_up;
        bool use_basic;                 /* the registry asked for Basic */
        unsigned requests;
        bool status_error;              /* err says the registry's final status */
        char err[ERROR_MAX];
        char curl_err[CURL_ERROR_SIZE];
};

/* one answer: status, the headers we read, the body (capped) */
struct reply {
        long status;
        char *body;
        size_t len;
        bool too_big;
        char digest[DIGEST_MAX];
        bool digest_too_long;
        char challenge[WWWAUTH_HEADER_MAX + 1];
        bool challenge_too_long;
        long retry_after;               /* seconds, -1 when none */
        char link[LINK_MAX];
        char location[LINK_MAX];        /* a redirect's target ("" too long) */
};

/* Where a request goes, which decides what it carries: the registry
 * gets our token (or Basic when it asked for it), the token realm our
 * credentials, and the storage a blob redirect points at nothing. */
enum dest {
        TO_REGISTRY,
        TO_REALM,
        TO_STORAGE,
};

static void reply_reset(struct reply *r)
{
        free(r->body);
        memset(r, 0, sizeof(*r));
        r->retry_after = -1;
}

static void wipe_free(char *s)
{
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
}

static void set_error(struct registry_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(struct registry_conn *c, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(c->err, sizeof(c->err), fmt, ap);
        va_end(ap);
}

bool registry_host_is_loopback(const char *host)
{
        char h[REGISTRY_HOST_MAX];
        size_t n;

        if (strncmp(host, "[::1]", 5) == 0)
                return host[5] == '\0' || host[5] == ':';
        n = strcspn(host, ":");
        if (n >= sizeof(h))
                return false;
        memcpy(h, host, n);
        h[n] = '\0';
        if (strcasecmp(h, "localhost") == 0)
                return true;
        /* 127.0.0.0/8 as a dotted quad: digits and three dots, first 127 */
        if (strncmp(h, "127.", 4) != 0)
                return false;
        for (int dots = 1, i = 4;; i++) {
                if (h[i] == '\0')
                        return dots == 3 && isdigit((unsigned char)h[i - 1]);
                if (h[i] == '.') {
                        if (++dots > 3 || h[i - 1] == '.')
                                return false;
                } else if (!isdigit((unsigned char)h[i]))
                        return false;
        }
}

static const struct registry_cred *section_for(const struct config *cfg, const char *host)
{
        for (size_t i = 0; i < cfg->n_creds; i++)
                if (cfg->creds[i].host && hostmap_same_host(cfg->creds[i].host, host))
                        return &cfg->creds[i];
        return NULL;
}

int registry_target(const struct config *cfg, const char *host, const char *repository,
                    struct registry_target *t)
{
        const struct registry_cred *sec;
        struct registry_target out;

        memset(&out, 0, sizeof(out));
        if (str_copy(out.name, sizeof(out.name), host && *host ? host : HUB_NAME) < 0 ||
            !imageref_valid_host(out.name) || !repository || !imageref_valid_repository(repository))
                return -EINVAL;
        imageref_normalise_host(out.name);
        if (strcmp(out.name, HUB_NAME) == 0 && !strchr(repository, '/')) {
                if ((size_t)snprintf(out.repository, sizeof(out.repository), "library/%s", repository) >=
                    sizeof(out.repository))
                        return -EINVAL;
        } else if (str_copy(out.repository, sizeof(out.repository), repository) < 0)
                return -EINVAL;
        sec = section_for(cfg, out.name);
        if (sec && sec->mirror)
                str_copy(out.host, sizeof(out.host), sec->mirror);
        else
                str_copy(out.host, sizeof(out.host), strcmp(out.name, HUB_NAME) == 0 ? HUB_API_HOST : out.name);
        sec = section_for(cfg, out.host);
        out.ca_file = sec ? sec->ca_file : NULL;
        out.loopback = registry_host_is_loopback(out.host);
        *t = out;
        return 0;
}

int registry_open(const struct config *cfg, const struct registry_target *t, struct registry_conn **out)
{
        struct registry_conn *c = calloc(1, sizeof(*c));

        if (!c)
                return -ENOMEM;
        c->cfg = cfg;
        c->t = *t;
        c->curl = curl_easy_init();
        if (!c->curl) {
                free(c);
                return -ENOMEM;
        }
        *out = c;
        return 0;
}

void registry_close(struct registry_conn *c)
{
        if (!c)
                return;
        if (c->curl)
                curl_easy_cleanup(c->curl);
        wipe_free(c->bearer);
        regauth_cred_clear(&c->cred);
        free(c);
}

const char *registry_error(const struct registry_conn *c)
{
        return c->err;
}

unsigned registry_requests(const struct registry_conn *c)
{
        return c->requests;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
        struct reply *r = data;
        size_t n = size * nmemb;
        char *grown;

        if (r->len + n > REGISTRY_REPLY_MAX) {
                r->too_big = true;
                return 0;       /* stops the transfer */
        }
        grown = realloc(r->body, r->len + n + 1);
        if (!grown)
                return 0;
        r->body = grown;
        memcpy(r->body + r->len, ptr, n);
        r->len += n;
        r->body[r->len] = '\0';
        return n;
}

/* value of a header line "Name: value\r\n" when its name is name */
static bool header_value(const char *line, size_t n, const char *name, const char **v, size_t *vlen)
{
        size_t nl = strlen(name);

        if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
                return false;
        line += nl + 1;
        n -= nl + 1;
        while (n && (*line == ' ' || *line == '\t'))
                line++, n--;
        while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' ' || line[n - 1] == '\t'))
                n--;
        *v = line;
        *vlen = n;
        return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *data)
{
        struct reply *r = data;
        size_t n = size * nmemb, vl;
        const char *v;

        /* a new status line: the headers before belonged to another answer */
        if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
                r->digest[0] = r->challenge[0] = r->link[0] = r->location[0] = '\0';
                r->digest_too_long = r->challenge_too_long = false;
                r->retry_after = -1;
        } else if (header_value(line, n, "Docker-Content-Digest", &v, &vl)) {
                if (str_copy_n(r->digest, sizeof(r->digest), v, vl) < 0)
                        r->digest_too_long = true;
        } else if (header_value(line, n, "WWW-Authenticate", &v, &vl)) {
                /* the first challenge only: registries send one */
                if (!r->challenge[0] && str_copy_n(r->challenge, sizeof(r->challenge), v, vl) < 0)
                        r->challenge_too_long = true;
        } else if (header_value(line, n, "Retry-After", &v, &vl)) {
                char tmp[64];

                if (str_copy_n(tmp, sizeof(tmp), v, vl) == 0) {
                        char *end;
                        long s = strtol(tmp, &end, 10);

                        if (end != tmp && *end == '\0' && s >= 0)
                                r->retry_after = s;
                        else {
                                time_t when = curl_getdate(tmp, NULL);

                                if (when > 0)
                                        r->retry_after = when > time(NULL) ? (long)(when - time(NULL)) : 0;
                        }
                }
        } else if (header_value(line, n, "Link", &v, &vl)) {
                if (str_copy_n(r->link, sizeof(r->link), v, vl) < 0)
                        r->link[0] = '\0';      /* too long: no next page */
        } else if (header_value(line, n, "Location", &v, &vl)) {
                if (str_copy_n(r->location, sizeof(r->location), v, vl) < 0)
                        r->location[0] = '\0';  /* too long: not followed */
        }
        return n;
}

/* The registry's own words from an error body: errors[0].code and
 * .message, control characters left to log.c's escaping. */
static void body_error(const struct reply *r, char *out, size_t size)
{
        json_t *j, *e;
        const char *code, *msg;

        out[0] = '\0';
        if (!r->body || !r->len)
                return;
        j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, NULL);
        e = json_array_get(json_object_get(j, "errors"), 0);
        code = json_string_value(json_object_get(e, "code"));
        msg = json_string_value(json_object_get(e, "message"));
        if (!msg)
                msg = json_string_value(json_object_get(j, "details"));
        if (code || msg)
                snprintf(out, size, ": %s%s%s", code ? code : "", code && msg ? " " : "", msg ? msg : "");
        json_decref(j);
}

/* Is url one this connection may send to: the registry's own scheme,
 * or https anywhere, or http to a loopback host?  Host into host. */
static bool url_allowed(const char *url, char *host, size_t size)
{
        CURLU *u = curl_url();
        char *scheme = NULL, *h = NULL, *port = NULL;
        bool ok = false;

        if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
            curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
                goto out;
        (void)curl_url_get(u, CURLUPART_PORT, &port, 0);
        if ((size_t)snprintf(host, size, "%s%s%s", h, port ? ":" : "", port ? port : "") >= size)
                goto out;
        ok = strcasecmp(scheme, "https") == 0 ||
             (strcasecmp(scheme, "http") == 0 && registry_host_is_loopback(host));
out:
        curl_free(scheme);
        curl_free(h);
        curl_free(port);
        curl_url_cleanup(u);
        return ok;
}

/* One request, no retries, carrying what its dest may see.  0 with r
 * filled, or -errno for a transport failure (c->err said). */
static int send_once(struct registry_conn *c, const char *method, const char *url, enum dest dest,
                     const char *form, struct reply *r)
{
        struct curl_slist *hdrs = NULL;
        char *authz = NULL, host[REGISTRY_HOST_MAX];
        CURLcode cc;
        int ret = 0;

        reply_reset(r);
        if (!url_allowed(url, host, sizeof(host))) {
                set_error(c, "%s: refused to send to %s: only https, or http to a loopback host", c->t.host, url);
                return -EPERM;
        }
        curl_easy_reset(c->curl);
        c->curl_err[0] = '\0';
        curl_easy_setopt(c->curl, CURLOPT_URL, url);
        curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, (long)REGISTRY_TIMEOUT_S);
        curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "redock/" REDOCK_VERSION);
        curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->curl_err);
        /* never off: the defaults, stated */
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 2L);
        if (c->t.ca_file)
                curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->t.ca_file);
        curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, r);
        curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, r);
        if (strcmp(method, "HEAD") == 0)
                curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
        else if (form)
                curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, form);
        if (dest == TO_REGISTRY) {
                for (size_t i = 0; i < sizeof(accept_headers) / sizeof(accept_headers[0]); i++)
                        hdrs = curl_slist_append(hdrs, accept_headers[i]);
                if (c->bearer && asprintf(&authz, "Authorization: Bearer %s", c->bearer) < 0)
                        authz = NULL;
                if (authz)
                        hdrs = curl_slist_append(hdrs, authz);
        }
        /* Basic: to the registry when it asked, to a token realm always */
        if (c->cred.username && c->cred.password && (dest == TO_REALM || (dest == TO_REGISTRY && c->use_basic))) {
                curl_easy_setopt(c->curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
                curl_easy_setopt(c->curl, CURLOPT_USERNAME, c->cred.username);
                curl_easy_setopt(c->curl, CURLOPT_PASSWORD, c->cred.password);
        }
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hdrs);
        cc = curl_easy_perform(c->curl);
        if (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && r->too_big)) {
                c->requests++;
                curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
        } else if (cc == CURLE_SSL_CONNECT_ERROR) {
                /* no certificate was checked: the handshake itself failed
                 * (a loopback registry on plain http, for one) */
                set_error(c, "%s: TLS handshake failed: %s", host, c->curl_err[0] ? c->curl_err : curl_easy_strerror(cc));
                ret = -EPROTONOSUPPORT;
        } else if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
                   cc == CURLE_SSL_CERTPROBLEM) {
                set_error(c, "%s: TLS: %s; its certificate is not trusted (for a private CA: [registry %s] ca-file = PATH)",
                          host, c->curl_err[0] ? c->curl_err : curl_easy_strerror(cc), c->t.name);
                ret = -EPERM;
        } else {
                set_error(c, "%s: %s", host, c->curl_err[0] ? c->curl_err : curl_easy_strerror(cc));
                ret = cc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT :
                      cc == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : -EIO;
        }
        /* the credentials curl copied are released with the next reset;
         * our own copies of the header are wiped now */
        curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
        curl_slist_free_all(hdrs);
        wipe_free(authz);
        return ret;
}

static int lookup_cred(struct registry_conn *c)
{
        int r;

        if (c->cred_looked_up)
                return c->cred.username || c->cred.identitytoken ? 1 : 0;
        c->cred_looked_up = true;
        /* the asked host's credentials: a mirror's own, else the image's
         * (regauth knows registry-1.docker.io as docker.io) */
        r = regauth_lookup(c->cfg, c->t.host, &c->cred);
        if (r < 0) {
                set_error(c, "%s: credentials: %s", c->t.host, strerror(-r));
                return r;
        }
        return r;
}

/* The Docker token exchange: GET realm?service=S&scope=SCOPE (Basic
 * with credentials when there are some), or with an identity token the
 * OAuth2 POST (grant_type=refresh_token).  0 with c->bearer set. */
static int fetch_token(struct registry_conn *c, const struct wwwauth *w)
{
        char scope[WWWAUTH_PARAM_MAX];
        char *svc = NULL, *scp = NULL, *url = NULL, *form = NULL, *rt = NULL;
        struct reply r = { .retry_after = -1 };
        const char *tok;
        json_t *j = NULL;
        int ret;

        ret = lookup_cred(c);
        if (ret < 0)
                return ret;
        if (w->scope[0])
                str_copy(scope, sizeof(scope), w->scope);
        else
                snprintf(scope, sizeof(scope), "repository:%s:pull", c->t.repository);
        svc = curl_easy_escape(c->curl, w->service, 0);
        scp = curl_easy_escape(c->curl, scope, 0);
        ret = -ENOMEM;
        if (!svc || !scp)
                goto out;
        if (c->cred.identitytoken) {
                rt = curl_easy_escape(c->curl, c->cred.identitytoken, 0);
                if (!rt || asprintf(&form, "grant_type=refresh_token&client_id=redock&service=%s&scope=%s&refresh_token=%s",
                                    svc, scp, rt) < 0) {
                        form = NULL;
                        goto out;
                }
                url = strdup(w->realm);
        } else if (asprintf(&url, "%s%sservice=%s&scope=%s", w->realm, strchr(w->realm, '?') ? "&" : "?",
                            svc, scp) < 0)
                url = NULL;
        if (!url)
                goto out;
        ret = send_once(c, form ? "POST" : "GET", url, TO_REALM, form, &r);
        if (ret < 0)
                goto out;
        if (r.status != 200) {
                char why[ERROR_MAX];

                body_error(&r, why, sizeof(why));
                set_error(c, "%s: token from %s: %ld%s%s", c->t.host, w->realm, r.status, why,
                          r.status == 401 || r.status == 403 ? (c->cred.username || c->cred.identitytoken
                                                                ? " (credentials refused)"
                                                                : " (no credentials configured)") : "");
                ret = r.status == 401 || r.status == 403 ? -EACCES : -EIO;
                goto out;
        }
        j = json_loadb(r.body ? r.body : "", r.len, 0, NULL);
        tok = json_string_value(json_object_get(j, "token"));
        if (!tok || !*tok)
                tok = json_string_value(json_object_get(j, "access_token"));
        if (!tok || !*tok || strlen(tok) > TOKEN_MAX || strpbrk(tok, "\r\n ")) {
                set_error(c, "%s: token from %s: no usable token in the answer", c->t.host, w->realm);
                ret = -EPROTO;
                goto out;
        }
        wipe_free(c->bearer);
        c->bearer = strdup(tok);
        ret = c->bearer ? 0 : -ENOMEM;
out:
        if (j) {
                /* the token's copy inside jansson */
                json_t *t = json_object_get(j, "token");
                if (json_is_string(t))
                        explicit_bzero((char *)json_string_value(t), json_string_length(t));
                t = json_object_get(j, "access_token");
                if (json_is_string(t))
                        explicit_bzero((char *)json_string_value(t), json_string_length(t));
                json_decref(j);
        }
        if (r.body)
                explicit_bzero(r.body, r.len);
        reply_reset(&r);
        curl_free(svc);
        curl_free(scp);
        if (rt) {
                explicit_bzero(rt, strlen(rt));
                curl_free(rt);
        }
        wipe_free(form);
        free(url);
        return ret;
}

/* What a 401 after our answer to its challenge means: the credentials
 * we sent were refused, or we had none to send (an anonymous token that
 * grants nothing on this repository, as token servers answer for a
 * private one). */
static const char *refusal_note(const struct registry_conn *c, long status)
{
        if (status != 401)
                return "";
        return c->cred.username || c->cred.identitytoken ? " (credentials refused)" : " (no credentials configured)";
}

/* A 401's challenge answered: 0 to try again, -errno (said) when not. */
static int answer_challenge(struct registry_conn *c, const struct reply *r)
{
        struct wwwauth w;
        int ret;

        if (r->challenge_too_long || wwwauth_parse(r->challenge, strlen(r->challenge), &w) < 0) {
                set_error(c, "%s: 401 with a WWW-Authenticate challenge redock cannot answer", c->t.host);
                return -EACCES;
        }
        if (w.scheme == WWWAUTH_BEARER)
                return fetch_token(c, &w);
        ret = lookup_cred(c);
        if (ret < 0)
                return ret;
        if (!c->cred.username || !c->cred.password) {
                set_error(c, "%s: asks for credentials (Basic) and none are configured for it "
                             "([registry %s] username and password, or docker login)", c->t.host, c->t.host);
                return -EACCES;
        }
        c->use_basic = true;
        return 0;
}

/* method url on the registry, with 401 answered once and 429 waited
 * out; the final answer in r (status 2xx, or said in c->err and
 * mapped to -errno). */
static int request(struct registry_conn *c, const char *method, const char *path, struct reply *r)
{
        bool answered = false;
        char url[LINK_MAX];
        int retries = 0, ret;

        c->status_error = false;
        for (;;) {
                if ((size_t)snprintf(url, sizeof(url), "%s://%s%s", c->t.plain_http ? "http" : "https",
                                     c->t.host, path) >= sizeof(url)) {
                        set_error(c, "%s: request too long", c->t.host);
                        return -E2BIG;
                }
                ret = send_once(c, method, url, TO_REGISTRY, NULL, r);
                /* a loopback registry that does not speak TLS: http, as
                 * Docker does with its insecure-by-default registries */
                if (ret == -EPROTONOSUPPORT && c->t.loopback && !c->t.plain_http) {
                        c->t.plain_http = true;
                        continue;
                }
                if (ret == -EPROTONOSUPPORT)
                        ret = -EPERM;
                if (ret < 0)
                        return ret;
                if (r->status == 401 && !answered) {
                        answered = true;
                        ret = answer_challenge(c, r);
                        if (ret < 0)
                                return ret;
                        continue;
                }
                if (r->status == 429 && retries < REGISTRY_RETRIES_MAX && !shutdown_requested()) {
                        long wait = r->retry_after >= 0 ? r->retry_after : 1L << retries;

                        if (wait > REGISTRY_RETRY_AFTER_MAX) {
                                set_error(c, "%s: 429 too many requests, retry after %ld s (more than %d s: not waited)",
                                          c->t.host, wait, REGISTRY_RETRY_AFTER_MAX);
                                return -EAGAIN;
                        }
                        log_msg(LOG_NOTICE, "registry %s: 429 too many requests, waiting %ld s", c->t.host, wait);
                        sleep_ms((int)wait * 1000);
                        retries++;
                        continue;
                }
                break;
        }
        if (r->status >= 200 && r->status < 300)
                return 0;
        {
                char why[ERROR_MAX];

                body_error(r, why, sizeof(why));
                set_error(c, "%s: %s %s: %ld%s%s", c->t.host, method, path, r->status, why, refusal_note(c, r->status));
                c->status_error = true;
        }
        switch (r->status) {
        case 401: case 403: return -EACCES;
        case 404: return -ENOENT;
        case 429: return -EAGAIN;
        default:  return -EIO;
        }
}

int registry_head_digest(struct registry_conn *c, const char *tag, char *digest, size_t size)
{
        struct reply r = { .retry_after = -1 };
        char path[URL_MAX];
        int ret;

        c->err[0] = '\0';
        if (!imageref_valid_tag(tag)) {
                set_error(c, "%s: bad tag", c->t.host);
                return -EINVAL;
        }
        snprintf(path, sizeof(path), "/v2/%s/manifests/%s", c->t.repository, tag);
        ret = request(c, "HEAD", path, &r);
        /* an answer to HEAD has no body: the registry's own words for a
         * refusal (MANIFEST_UNKNOWN, UNAUTHORIZED, ...) are in a GET's,
         * asked only then (never while the tag answers) */
        if (ret < 0 && c->status_error && r.status >= 400 && r.status < 500 && r.status != 429 && !r.len) {
                struct reply g = { .retry_after = -1 };
                char why[ERROR_MAX], saved[ERROR_MAX];

                str_copy(saved, sizeof(saved), c->err);
                why[0] = '\0';
                if (request(c, "GET", path, &g) < 0 && c->status_error && g.status == r.status)
                        body_error(&g, why, sizeof(why));
                if (why[0])
                        set_error(c, "%s: HEAD %s: %ld%s%s", c->t.host, path, r.status, why,
                                  refusal_note(c, r.status));
                else
                        str_copy(c->err, sizeof(c->err), saved);
                reply_reset(&g);
        }
        if (ret == 0 && (r.digest_too_long || !imageref_valid_digest(r.digest))) {
                set_error(c, "%s: HEAD %s:%s: no valid Docker-Content-Digest in the answer", c->t.host,
                          c->t.repository, tag);
                ret = -EPROTO;
        }
        if (ret == 0 && str_copy(digest, size, r.digest) < 0)
                ret = -E2BIG;
        if (ret < 0)
                log_ctx(LOG_ERR, &(struct log_ctx){ .image = c->t.repository },
                        "registry %s", c->err);
        reply_reset(&r);
        return ret;
}

bool registry_link_next(const char *link, bool plain_http, const char *host, char *path, size_t size)
{
        const char *lt = strchr(link, '<'), *gt = lt ? strchr(lt, '>') : NULL, *p;
        char origin[REGISTRY_HOST_MAX + 16];
        size_t n, o;

        if (!lt || !gt || (!strstr(gt, "rel=\"next\"") && !strstr(gt, "rel=next")))
                return false;
        p = lt + 1;
        n = (size_t)(gt - p);
        o = (size_t)snprintf(origin, sizeof(origin), "%s://%s", plain_http ? "http" : "https", host);
        if (o >= sizeof(origin))
                return false;
        if (n > o && strncasecmp(p, origin, o) == 0) {
                p += o;
                n -= o;
        }
        if (n < 4 || strncmp(p, "/v2/", 4) != 0 || n >= size || memchr(p, ' ', n) || memchr(p, '\r', n) ||
            memchr(p, '\n', n))
                return false;
        memcpy(path, p, n);
        path[n] = '\0';
        return true;
}

int registry_list_tags(struct registry_conn *c, unsigned page, char ***tags, size_t *n)
{
        struct reply r = { .retry_after = -1 };
        char url[LINK_MAX];     /* the path of the page asked */
        char **v = NULL;
        size_t k = 0;
        int ret = 0, pages;

        *tags = NULL;
        *n = 0;
        c->err[0] = '\0';
        snprintf(url, sizeof(url), "/v2/%s/tags/list?n=%u", c->t.repository,
                 page ? page : REGISTRY_TAGS_PAGE);
        for (pages = 0; pages < REGISTRY_TAG_PAGES_MAX; pages++) {
                json_t *j, *list, *e;
                size_t i;

                ret = request(c, "GET", url, &r);
                if (ret < 0)
                        break;
                j = json_loadb(r.body ? r.body : "", r.len, JSON_REJECT_DUPLICATES, NULL);
                list = json_object_get(j, "tags");
                if (!json_is_array(list) && !json_is_null(list)) {
                        set_error(c, "%s: tags of %s: not a tags/list answer", c->t.host, c->t.repository);
                        json_decref(j);
                        ret = -EPROTO;
                        break;
                }
                json_array_foreach(list, i, e) {
                        const char *s = json_string_value(e);
                        char **grown;

                        if (!s || !imageref_valid_tag(s))
                                continue;       /* not a tag anyone can pull */
                        if (k >= REGISTRY_TAGS_MAX)
                                break;
                        grown = reallocarray(v, k + 1, sizeof(*v));
                        if (!grown || !(grown[k] = strdup(s))) {
                                v = grown ? grown : v;
                                ret = -ENOMEM;
                                break;
                        }
                        v = grown;
                        k++;
                }
                json_decref(j);
                if (ret < 0 || k >= REGISTRY_TAGS_MAX || !r.link[0] || !registry_link_next(r.link, c->t.plain_http, c->t.host, url, sizeof(url)))
                        break;
        }
        if (ret == 0 && pages == REGISTRY_TAG_PAGES_MAX)
                log_msg(LOG_WARNING, "registry %s: tags of %s: stopped after %d pages", c->t.host,
                        c->t.repository, REGISTRY_TAG_PAGES_MAX);
        reply_reset(&r);
        if (ret < 0) {
                log_ctx(LOG_ERR, &(struct log_ctx){ .image = c->t.repository }, "registry %s", c->err);
                registry_tags_free(v, k);
                return ret;
        }
        *tags = v;
        *n = k;
        return 0;
}

void registry_tags_free(char **tags, size_t n)
{
        strv_free(tags, n);
}

/* Does body hash to digest ("sha256:HEX" or "sha512:HEX")?  What the
 * registry serves by digest is checked: a created time read from some
 * other config would let an image through min-age. */
static bool body_has_digest(const struct reply *r, const char *digest)
{
        uint8_t sum[SHA512_DIGEST_SIZE];
        char hex[2 * SHA512_DIGEST_SIZE + 1];
        size_t n;

        if (strncmp(digest, "sha256:", 7) == 0) {
                struct sha256_ctx h;

                sha256_init(&h);
                sha256_update(&h, r->len, (const uint8_t *)(r->body ? r->body : ""));
                sha256_digest(&h, SHA256_DIGEST_SIZE, sum);
                n = SHA256_DIGEST_SIZE;
        } else if (strncmp(digest, "sha512:", 7) == 0) {
                struct sha512_ctx h;

                sha512_init(&h);
                sha512_update(&h, r->len, (const uint8_t *)(r->body ? r->body : ""));
                sha512_digest(&h, SHA512_DIGEST_SIZE, sum);
                n = SHA512_DIGEST_SIZE;
        } else
                return false;
        for (size_t i = 0; i < n; i++)
                snprintf(hex + 2 * i, 3, "%02x", sum[i]);
        return strcmp(digest + 7, hex) == 0;
}

/* A redirect's Location, resolved against the URL asked, into out. */
static bool resolve_location(const struct registry_conn *c, const char *path, const char *location,
                             char *out, size_t size)
{
        CURLU *u = curl_url();
        char base[LINK_MAX], *s = NULL;
        bool ok = false;

        if (u && (size_t)snprintf(base, sizeof(base), "%s://%s%s", c->t.plain_http ? "http" : "https",
                                  c->t.host, path) < sizeof(base) &&
            curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
            curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
            curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK)
                ok = str_copy(out, size, s) == 0;
        curl_free(s);
        curl_url_cleanup(u);
        return ok;
}

/* GET /v2/<repo>/KIND/DIGEST ("manifests" or "blobs"), checked against
 * its digest.  A blob may be served by a redirect to storage elsewhere
 * (S3, a CDN): followed once, carrying no token and no credentials. */
static int get_by_digest(struct registry_conn *c, const char *kind, const char *digest, struct reply *r)
{
        char path[URL_MAX], url[LINK_MAX];
        int ret;

        snprintf(path, sizeof(path), "/v2/%s/%s/%s", c->t.repository, kind, digest);
        ret = request(c, "GET", path, r);
        if (ret == -EIO && c->status_error && strcmp(kind, "blobs") == 0 && r->status >= 300 &&
            r->status < 400 && r->location[0]) {
                if (!resolve_location(c, path, r->location, url, sizeof(url))) {
                        set_error(c, "%s: GET %s: %ld to a location redock cannot follow", c->t.host, path,
                                  r->status);
                        return -EIO;
                }
                c->err[0] = '\0';
                c->status_error = false;
                ret = send_once(c, "GET", url, TO_STORAGE, NULL, r);
                if (ret == 0 && (r->status < 200 || r->status >= 300)) {
                        set_error(c, "%s: GET %s: redirected, and its storage answered %ld", c->t.host, path,
                                  r->status);
                        ret = -EIO;
                }
        }
        if (ret == 0 && r->too_big) {
                set_error(c, "%s: GET %s: larger than %d bytes", c->t.host, path, REGISTRY_REPLY_MAX);
                ret = -EFBIG;
        }
        if (ret == 0 && !body_has_digest(r, digest)) {
                set_error(c, "%s: GET %s: the content does not match its digest", c->t.host, path);
                ret = -EPROTO;
        }
        return ret;
}

int registry_image_created(struct registry_conn *c, const char *digest, long long *created)
{
        struct imagecfg_platform plat;
        struct reply r = { .retry_after = -1 };
        char want[DIGEST_MAX];
        int ret, kind = 0;

        c->err[0] = '\0';
        imagecfg_host_platform(&plat);
        if (!imageref_valid_digest(digest) || str_copy(want, sizeof(want), digest) < 0) {
                set_error(c, "%s: bad digest", c->t.host);
                return -EINVAL;
        }
        /* an index, then (at most once) the manifest it names for us */
        for (int hop = 0; hop < 2; hop++) {
                char next[DIGEST_MAX];

                ret = get_by_digest(c, "manifests", want, &r);
                if (ret < 0)
                        goto out;
                kind = imagecfg_pick(r.body ? r.body : "", r.len, &plat, next, sizeof(next));
                if (kind < 0 || (kind == IMAGECFG_INDEX && hop == 1)) {
                        set_error(c, "%s: manifest %s@%s: not an image manifest or index with a config", c->t.host,
                                  c->t.repository, want);
                        ret = -EPROTO;
                        goto out;
                }
                str_copy(want, sizeof(want), next);
                if (kind == IMAGECFG_IMAGE)
                        break;
        }
        ret = get_by_digest(c, "blobs", want, &r);
        if (ret < 0)
                goto out;
        ret = imagecfg_created(r.body ? r.body : "", r.len, created);
        if (ret == -ENOENT)
                set_error(c, "%s: config %s@%s: no created time", c->t.host, c->t.repository, want);
        else if (ret == -ERANGE)
                set_error(c, "%s: config %s@%s: its created time is before 2000 (a reproducible build's placeholder), not its age",
                          c->t.host, c->t.repository, want);
        else if (ret < 0)
                set_error(c, "%s: config %s@%s: not JSON, or its created is not an RFC 3339 time", c->t.host,
                          c->t.repository, want);
out:
        if (ret < 0)
                log_ctx(ret == -ENOENT || ret == -ERANGE ? LOG_NOTICE : LOG_ERR,
                        &(struct log_ctx){ .image = c->t.repository, .digest = digest }, "registry %s", c->err);
        reply_reset(&r);
        return ret;
}
