/* tagpolicy: which tag a container follows (label redock.policy).
 *
 *   digest            the tag it runs, a new digest of it (the default)
 *   semver-patch      the highest newer version with the same major.minor
 *   semver-minor      ... with the same major
 *   semver-major      ... any newer version
 *   glob:PATTERN      the newest tag matching PATTERN (fnmatch)
 *   regexp:RE         the newest tag RE (POSIX ERE) matches as a whole
 *   pin:TAG           exactly TAG, whatever the container was started with
 *
 * Versions are MAJOR.MINOR.PATCH with an optional "v", an optional
 * "-PRERELEASE" and "+BUILD"; they are ordered as in semver 2.0.0 (build
 * metadata ignored).  A pre-release is taken only when the running tag is
 * one.  glob and regexp order the matching tags by version: a matching
 * tag that is not a version is refused, with the reason.
 *
 * Pure: no Docker, no registry.  The webhook path (match.c) and poll use
 * the same decisions. */
#pragma once

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"

enum tagpolicy_kind {
        TAGPOLICY_DIGEST,
        TAGPOLICY_SEMVER_PATCH,
        TAGPOLICY_SEMVER_MINOR,
        TAGPOLICY_SEMVER_MAJOR,
        TAGPOLICY_GLOB,
        TAGPOLICY_REGEXP,
        TAGPOLICY_PIN,
};

struct tagpolicy {
        enum tagpolicy_kind kind;
        char arg[TAGPOLICY_LABEL_MAX];  /* glob's pattern, regexp's RE, pin's tag */
        regex_t re;                     /* TAGPOLICY_REGEXP only */
        bool re_compiled;
};

/* A parsed version: numbers, and where the pre-release starts in the tag. */
struct tagversion {
        unsigned long long major, minor, patch;
        bool v;                         /* written with a leading 'v' */
        char pre[TAG_MAX + 1];          /* "rc.1", or "" for a release */
};

/* Parse a redock.policy value (NULL or "" is digest).  0, or -EINVAL with
 * the reason in err (err may be NULL); -E2BIG when too long.  Free with
 * tagpolicy_free whatever it returned. */
int tagpolicy_parse(const char *label, struct tagpolicy *ret, char *err, size_t err_size);
void tagpolicy_free(struct tagpolicy *pol);

/* The policy as the label writes it ("semver-minor", "glob:1.*"), into buf. */
void tagpolicy_describe(const struct tagpolicy *pol, char *buf, size_t size);

/* Parse a tag as a version.  0, or -EINVAL when it is not one. */
int tagversion_parse(const char *tag, struct tagversion *ret);

/* <0, 0, >0 as a orders before, with, after b (semver precedence). */
int tagversion_cmp(const struct tagversion *a, const struct tagversion *b);

/* Does pol move a container running running_tag to tag?  true when tag is
 * one the policy allows and newer than running_tag (pin: tag is the pinned
 * one and not the running one).  false with the reason in why (why may be
 * NULL).  A push of the running tag itself is not a move: it is the
 * digest update every policy gets. */
bool tagpolicy_accepts(const struct tagpolicy *pol, const char *running_tag, const char *tag, char *why,
                       size_t why_size);

/* The tag to move to from running_tag under pol among tags, or NULL
 * (stay).  why: a line for the log when a tag was refused for a reason
 * other than "not newer" or "not allowed" (a glob or regexp match that is
 * not a version; a running tag that is not one under a semver policy),
 * else "".  Equal versions (1.3.0, v1.3.0, 1.3.0+b2): the one spelled
 * like the running tag, else the first. */
const char *tagpolicy_choose(const struct tagpolicy *pol, const char *running_tag, char *const *tags, size_t n,
                             char *why, size_t why_size);

/* What a container running running_tag follows under pol, for status:
 * "1.2.0" (digest), "stable" (pin:), "newest 1.2.x", "newest 1.x.x",
 * "newest version", "newest match of PATTERN". */
void tagpolicy_following(const struct tagpolicy *pol, const char *running_tag, char *buf, size_t size);

/* Does pol follow pushes of tag at all (a move, or the running tag)? */
bool tagpolicy_follows(const struct tagpolicy *pol, const char *running_tag, const char *tag);

/* Policies parsed once for a drain pass, by the text they were parsed
 * from: several pushes and several questions per push (does it follow,
 * why not, its min-age) ask for each container's policy, and a regexp:
 * policy compiles its RE each time it is parsed.  Zeroed to start;
 * tagpolicy_cache_free at the pass's end. */
struct tagpolicy_cached;
struct tagpolicy_cache {
        struct tagpolicy_cached **v;    /* pointers: a compiled regex_t is not moved */
        size_t n;
};

/* label parsed (as tagpolicy_parse), from the cache or parsed now and
 * kept: 0 with *ret valid until tagpolicy_cache_free; tagpolicy_parse's
 * -EINVAL/-E2BIG with its reason in err (kept too: asked again, the same
 * answer); -ENOMEM. */
int tagpolicy_cache_get(struct tagpolicy_cache *cache, const char *label, const struct tagpolicy **ret,
                        char *err, size_t err_size);
void tagpolicy_cache_free(struct tagpolicy_cache *cache);
