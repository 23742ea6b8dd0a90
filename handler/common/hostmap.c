/* hostmap: a source's registry, aliases and match-host, applied to
 * events.  The webhook applies it to what it parses, and the drain again
 * to every job it takes (jobcheck.c): in split mode a job file may have
 * been written by a compromised webhook process. */
#include <stdio.h>
#include <string.h>

#include "hostmap.h"
#include "imageref.h"
#include "log.h"

bool hostmap_same_host(const char *a, const char *b)
{
        char x[REGISTRY_HOST_MAX], y[REGISTRY_HOST_MAX];

        snprintf(x, sizeof(x), "%s", a);
        snprintf(y, sizeof(y), "%s", b);
        imageref_normalise_host(x);
        imageref_normalise_host(y);
        return strcmp(x, y) == 0;
}

int route_map_hosts(const struct source *src, struct event_list *events)
{
        size_t keep = 0;
        int dropped = 0;

        for (size_t i = 0; i < events->n; i++) {
                struct push_event *ev = &events->v[i];
                bool ok = !src->registry[0] && ev->registry[0];

                if (src->match_any_host) {
                        /* by repository and tag alone: an empty host
                         * matches containers on any registry */
                        ev->registry[0] = '\0';
                        ok = true;
                } else if (src->registry[0]) {
                        ok = !ev->registry[0] || hostmap_same_host(ev->registry, src->registry);
                        for (size_t a = 0; !ok && a < src->n_aliases; a++)
                                ok = hostmap_same_host(ev->registry, src->aliases[a]);
                        if (ok)
                                snprintf(ev->registry, sizeof(ev->registry), "%s", src->registry);
                }
                if (!ok) {
                        log_ctx(LOG_WARNING, &(struct log_ctx){ .source = src->name },
                                "ignoring push to %s/%s:%s: host is not this source's registry%s",
                                ev->registry[0] ? ev->registry : "(none)", ev->repository, ev->tag,
                                src->registry[0] ? " or an alias" : " (set registry =)");
                        dropped++;
                        continue;
                }
                events->v[keep++] = *ev;
        }
        events->n = keep;
        return dropped;
}
