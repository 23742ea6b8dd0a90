/* event: the normalised push event, and a list of them.
 *
 * Every registry format is turned into struct push_event by its parser in
 * formats/.  Only what is needed to find and update containers is kept. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "bounds.h"

struct http_request;

struct push_event {
        char registry[REGISTRY_HOST_MAX];   /* "127.0.0.1:5000", "docker.io" */
        char repository[REPOSITORY_MAX];    /* "team/app", "library/nginx" */
        char tag[TAG_MAX];                  /* "stable" */
        char digest[DIGEST_MAX];            /* "sha256:..." or "" if unknown */
        char media_type[MEDIA_TYPE_MAX];    /* manifest media type or "" */
        char event_id[EVENT_ID_MAX];        /* registry's id for dedup, or "" */
};

struct event_list {
        struct push_event *v;
        size_t n;
        size_t cap;
};

/* Add a copy of ev unless an event with the same registry, repository,
 * tag and digest is already in the list (several events for one push
 * collapse to one).  Returns 0, -E2BIG past EVENTS_MAX, -ENOMEM. */
int event_list_add(struct event_list *l, const struct push_event *ev);
void event_list_free(struct event_list *l);

/* Fill ev's fields from strings, checking each against its limit and
 * its character set.  Returns 0 or -EINVAL.  digest, media_type and
 * event_id may be NULL. */
int push_event_set(struct push_event *ev, const char *registry,
                   const char *repository, const char *tag,
                   const char *digest, const char *media_type,
                   const char *event_id);

/* Parse a payload.  format is a format name ("distribution", ...) or
 * "auto"/NULL to detect it from the headers and the payload's shape.
 * req may be NULL (only the body is then used for detection).
 * On success returns 0, stores the detected format's name in *detected
 * (static string) and appends the push events to out (possibly none, when
 * the payload held only pulls, deletes or blob pushes).
 * Returns -EBADMSG for malformed payloads (not JSON, too deep, wrong shape),
 * -EPROTONOSUPPORT when no format matches, -E2BIG past EVENTS_MAX. */
int event_parse(const char *body, size_t len, const char *format,
                const struct http_request *req, const char **detected,
                struct event_list *out);
