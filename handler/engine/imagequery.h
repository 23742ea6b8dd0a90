/* imagequery: the repositories a /v1/update request names, from its
 * query string ("image=nginx,127.0.0.1:5000/team/app:v1&image=..."),
 * as Watchtower's HTTP API takes them: comma-separated image names as a
 * user writes them, with or without a tag, in one or more image=
 * parameters (percent-encoded or not).  Other parameters are ignored. */
#pragma once

#include <stddef.h>

#include "poll.h"

#define IMAGEQUERY_MAX 64       /* images one request may name */

/* Parse query (NULL: none) into out[0..*n) (each ref normalised by
 * imageref_parse, targets 0).  *n = 0 when it names none: every
 * repository.  0, or -EINVAL with the reason in why (it quotes the
 * bad name) when a name is empty, not an image reference, badly
 * escaped, or there are more than IMAGEQUERY_MAX. */
int imagequery_parse(const char *query, struct poll_image *out, size_t *n, char *why, size_t size);
