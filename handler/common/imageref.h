/* imageref: parse and normalise image references the way Docker does, so
 * that "nginx", "docker.io/library/nginx:latest" and a push event for
 * docker.io library/nginx tag latest are the same image. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "bounds.h"

struct imageref {
        char registry[REGISTRY_HOST_MAX];       /* "docker.io", "127.0.0.1:5000" */
        char repository[REPOSITORY_MAX];        /* "library/nginx" */
        char tag[TAG_MAX];                      /* "latest"; "" when only a digest */
        char digest[DIGEST_MAX];                /* "" unless pinned */
};

/* Parse a reference ("[host[:port]/]path[:tag][@digest]").  Returns 0 or
 * -EINVAL.  Defaults: docker.io, library/ for one-component Hub names,
 * tag latest when neither tag nor digest is given. */
int imageref_parse(const char *s, struct imageref *ref);

/* The one grammar of repository, tag, digest and registry host, for
 * references and push events alike (event.c, jobcheck.c).  Each checks
 * its limit from bounds.h too.
 *   host        DNS labels or [IPv6], optional :port
 *   repository  [a-z0-9]+ components joined by '.', '_', '__', '-'+, '/'
 *   tag         [A-Za-z0-9_][A-Za-z0-9_.-]*
 *   digest      algorithm ([a-z][a-z0-9]* joined by [+._-]) ':' lowercase
 *               hex, 64 for sha256, 128 for sha512, else at least 32 */
bool imageref_valid_host(const char *host);
bool imageref_valid_repository(const char *repository);
bool imageref_valid_tag(const char *tag);
bool imageref_valid_digest(const char *digest);

/* Docker Hub's several names become "docker.io"; hosts are lowercased. */
void imageref_normalise_host(char *host);

/* "host/repo:tag" (and "@digest" if set) into buf. */
int imageref_format(const struct imageref *ref, char *buf, size_t size);

/* Does a container configured with ref follow the tag that ev pushed?
 * Exact after normalisation; a digest-pinned reference never follows; an
 * event with an empty registry (a source with match-host = any) matches
 * the repository and tag on any host. */
bool imageref_matches_push(const struct imageref *ref, const struct push_event *ev);
