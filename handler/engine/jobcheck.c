/* jobcheck: re-validation of jobs in the drain. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hostmap.h"
#include "imageref.h"
#include "jobcheck.h"
#include "poll.h"

int job_admit(const struct config *cfg, struct job *job, char *why, size_t why_size)
{
        const struct push_event *ev = &job->ev;
        const struct source *src;
        struct push_event mapped;
        struct event_list one = { .v = &mapped, .n = 1, .cap = 1 };

        /* the strings are printed below only once they passed the
         * grammar: a job's text never forges a log line */
        if (!source_name_valid(job->source)) {
                snprintf(why, why_size, "bad source name");
                return -EINVAL;
        }
        src = config_source(cfg, job->source);
        /* redock poll's own jobs: no source maps their host (config.c
         * refuses a [source poll]); they name what a selected container
         * already pulls, so they are checked against the grammar alone */
        if (!src && strcmp(job->source, POLL_SOURCE) == 0) {
                if (!imageref_valid_host(ev->registry) || !imageref_valid_repository(ev->repository) ||
                    !imageref_valid_tag(ev->tag) || (ev->digest[0] && !imageref_valid_digest(ev->digest))) {
                        snprintf(why, why_size, "bad registry, repository, tag or digest");
                        return -EINVAL;
                }
                return 0;
        }
        if (!src) {
                snprintf(why, why_size, "source '%s' is not configured", job->source);
                return -EINVAL;
        }
        if (ev->registry[0] && !imageref_valid_host(ev->registry)) {
                snprintf(why, why_size, "bad registry host");
                return -EINVAL;
        }
        if (!imageref_valid_repository(ev->repository) || !imageref_valid_tag(ev->tag)) {
                snprintf(why, why_size, "bad repository or tag");
                return -EINVAL;
        }
        if (ev->digest[0] && !imageref_valid_digest(ev->digest)) {
                snprintf(why, why_size, "bad digest");
                return -EINVAL;
        }
        mapped = *ev;
        if (route_map_hosts(src, &one) > 0 || one.n != 1) {
                snprintf(why, why_size, "host '%s' of %s:%s is not source %s's registry%s",
                         ev->registry[0] ? ev->registry : "(none)", ev->repository, ev->tag,
                         src->name, src->registry[0] ? " or an alias" : " (it sets none)");
                return -EINVAL;
        }
        job->ev = mapped;
        return 0;
}
