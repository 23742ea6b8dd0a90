/* hostmap: a source's host mapping (registry, alias, match-host), shared
 * by the webhook (route.c) and the drain's re-check of jobs (jobcheck.c). */
#pragma once

#include "config.h"
#include "event.h"

/* Keep the events whose host is the source's registry or one of its
 * aliases, rewritten to the registry (the host containers pull from).
 * Events without a host get the registry.  With match-host = any every
 * event is kept with an empty host (matches any).  Each dropped event is
 * logged.  Returns how many were dropped. */
int route_map_hosts(const struct source *src, struct event_list *events);

/* Are a and b the same registry host, once normalised (Docker Hub's
 * names, case)? */
bool hostmap_same_host(const char *a, const char *b);
