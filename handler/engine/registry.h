/* registry: redock's own client of the registry API (OCI distribution,
 * Docker Registry HTTP API v2), on libcurl: the digest a tag names now
 * (HEAD, never a manifest GET: no pull quota spent) and a repository's
 * tags.
 *
 * Authentication as the docker CLI does it: anonymous first; a 401 with
 * "WWW-Authenticate: Bearer realm,service,scope" gets a token from the
 * realm (anonymous, or with the credentials regauth.h finds for the
 * host: [registry HOST], the Docker config.json, credential helpers);
 * "Basic" gets those credentials directly.  TLS is always verified
 * (against the system's CAs, or [registry HOST] ca-file); there is no
 * switch to skip it.  Plain http only for loopback hosts (127.0.0.0/8,
 * localhost, [::1]), which Docker too treats as insecure registries by
 * default, and only when https fails there before any certificate is
 * seen (the peer does not speak TLS): a certificate that is not trusted
 * is refused, never answered by falling back to http.  Requests to one registry are made one at a time, on one
 * connection (one in flight per registry).  A 429 is waited out (its
 * Retry-After, at most REGISTRY_RETRY_AFTER_MAX seconds, at most
 * REGISTRY_RETRIES_MAX times).  Every failure is logged once, with the
 * registry's own error (its JSON errors[].message). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"
#include "config.h"

struct registry_target {
        char host[REGISTRY_HOST_MAX];           /* asked: the mirror when one is set */
        char name[REGISTRY_HOST_MAX];           /* as the image names it, normalised ("docker.io") */
        char repository[REPOSITORY_MAX];        /* "library/nginx" for Hub's official images */
        bool loopback;                          /* 127.0.0.0/8, localhost, [::1] */
        bool plain_http;                        /* a loopback host that does not speak TLS */
        const char *ca_file;                    /* [registry host] ca-file, or NULL */
};

/* Where an image's host and repository are asked (no I/O): Docker Hub's
 * names (docker.io, index.docker.io, registry-1.docker.io, none) become
 * registry-1.docker.io with library/ before a one-component repository;
 * [registry HOST] mirror = M sends the requests to M instead.  Returns
 * 0, or -EINVAL for a host or repository outside imageref's grammar. */
int registry_target(const struct config *cfg, const char *host, const char *repository,
                    struct registry_target *t);

/* Is host (HOST[:PORT]) a loopback name, asked over plain http? */
bool registry_host_is_loopback(const char *host);

struct registry_conn;

/* A connection to t's registry for its repository (t is copied).
 * 0 or -ENOMEM. */
int registry_open(const struct config *cfg, const struct registry_target *t, struct registry_conn **out);
void registry_close(struct registry_conn *c);

/* HEAD /v2/<repo>/manifests/<tag> with the OCI index and manifest and
 * Docker manifest list and v2 media types accepted: the
 * Docker-Content-Digest into digest.  Returns 0, -ENOENT (no such
 * repository or tag), -EACCES (credentials missing or refused), -EPERM
 * (TLS: the certificate is not trusted, or plain http to a host that is
 * not loopback), -EAGAIN (still 429 after the retries), -EPROTO (no
 * valid digest in the answer), -EIO (another answer), or a transport
 * -errno.  Each failure is logged, and its text kept (registry_error). */
int registry_head_digest(struct registry_conn *c, const char *tag, char *digest, size_t size);

/* GET /v2/<repo>/tags/list?n=PAGE (PAGE 0: REGISTRY_TAGS_PAGE), following
 * Link rel="next" (same registry only) for at most
 * REGISTRY_TAG_PAGES_MAX pages and REGISTRY_TAGS_MAX tags, in the
 * registry's order: *tags an array of *n strings, freed with
 * registry_tags_free().  Errors as registry_head_digest(). */
int registry_list_tags(struct registry_conn *c, unsigned page, char ***tags, size_t *n);
void registry_tags_free(char **tags, size_t n);

/* A Link header's rel="next" target as a path on this registry
 * ("</v2/x/tags/list?n=100&last=y>; rel=\"next\""; an absolute URL only
 * when it names host with this scheme): into path, true.  false when
 * there is none, or it points elsewhere.  No I/O. */
bool registry_link_next(const char *link, bool plain_http, const char *host, char *path, size_t size);

/* The last failure, in words ("" when none). */
const char *registry_error(const struct registry_conn *c);

/* How many HTTP answers this connection got (a TLS attempt on a
 * loopback host that speaks plain http is not one). */
unsigned registry_requests(const struct registry_conn *c);

/* When the image digest names was created, from the registry: GET
 * /v2/<repo>/manifests/<digest> (an index: then the manifest of the
 * entry for this host's platform, else its first), and GET of its
 * config blob (a redirect to storage elsewhere followed once, carrying
 * no credentials); each checked against its digest.  The config's
 * "created" into *created (unix seconds).  For min-age only: a pull
 * would cost more.  Errors as registry_head_digest(), and -ENOENT when
 * the config has no created time, -ERANGE when it is a reproducible
 * build's placeholder (before 2000: imagecfg.h), -EBADMSG when it is not
 * a time, -EPROTO for content that does not match its digest or is no
 * image manifest, -EFBIG past REGISTRY_REPLY_MAX.  Each failure is
 * logged. */
int registry_image_created(struct registry_conn *c, const char *digest, long long *created);
