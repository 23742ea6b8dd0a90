/* imagecfg: what a registry's manifests and image config say about an
 * image's age, for min-age when the image is not on this host yet.
 *
 * Pure: no I/O (registry.c fetches, this reads), shared with its fuzz
 * harness.  Everything here comes from a registry redock does not
 * control. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The platform a manifest list entry must name to be this host's: the
 * OCI/Go names of the architecture redock was built for ("amd64",
 * "arm64", "arm" with variant "v7"...), os "linux".  variant is "" when
 * the architecture has none worth matching. */
struct imagecfg_platform {
        const char *os;
        const char *arch;
        const char *variant;
};
void imagecfg_host_platform(struct imagecfg_platform *p);

enum imagecfg_kind {
        IMAGECFG_INDEX = 1,     /* an OCI index or Docker manifest list */
        IMAGECFG_IMAGE,         /* an OCI or Docker v2 image manifest */
};

/* Read a manifest of len bytes.  An index: the digest of the entry for
 * platform p (os and architecture equal, and the variant when both name
 * one), else of its first entry, into digest.  An image manifest: its
 * config's digest.  Returns the kind with digest (size bytes) set,
 * -EBADMSG when it is neither (not JSON, schema 1, no config, a digest
 * that is not "algorithm:hex"), -E2BIG when a digest does not fit. */
int imagecfg_pick(const char *buf, size_t len, const struct imagecfg_platform *p, char *digest, size_t size);

/* An image config's "created" (RFC 3339: "2026-12-01T23:10:23.123Z",
 * "...+01:00") as unix seconds into *t.  -ENOENT when there is none,
 * -EBADMSG when it is not such a time, -ERANGE when it is before
 * IMAGECFG_CREATED_MIN: reproducible builds stamp their images 1970-01-01
 * (or Go's year 1), which says nothing of when they were made. */
int imagecfg_created(const char *buf, size_t len, long long *t);

/* One RFC 3339 time as above (also what Docker's image inspect says),
 * the same rules. */
int imagecfg_parse_time(const char *s, long long *t);

#define IMAGECFG_CREATED_MIN    946684800LL     /* 2000-01-01T00:00:00Z */
