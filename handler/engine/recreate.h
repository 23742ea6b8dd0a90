/* recreate: from `docker inspect` of a container (and of its image), the
 * body of POST /containers/create that makes the same container on a new
 * image.  Pure functions on JSON, so they are tested on recorded replies.
 *
 * What Watchtower loses and this keeps: anonymous volumes (re-attached by
 * name), every network with its aliases, static IPv4/IPv6 and MAC, and the
 * values the user set as opposed to those the old image supplied (which
 * must come from the new image instead). */
#pragma once

#include <jansson.h>

/* Build the create body.  old is GET /containers/{id}/json, old_image is
 * GET /images/{old image id}/json (may be NULL when that image is gone),
 * image is the reference to create from, api_minor the negotiated API
 * version (before 1.44 only one network can be given at create).
 * Returns a new object, or NULL on a malformed inspect.  When networks
 * must be connected after create, *later is set to an object
 * {network name: EndpointConfig} (else NULL); the caller owns both. */
json_t *recreate_spec(const json_t *old, const json_t *old_image,
                      const char *image, int api_minor, json_t **later);

/* The container's name without the leading '/'. */
const char *recreate_name(const json_t *old);
