/* drainreport: each outcome said in the log, counted in the drain's
 * stats, recorded in the history and noted for the notifiers. */
#include <stdio.h>
#include <string.h>

#include "drainreport.h"
#include "holdstate.h"
#include "log.h"

static void record(struct drain_ctx *c, const char *target, const char *kind, const char *image,
                   const char *old_image, const char *old_digest, const char *new_digest,
                   const char *outcome, long long duration_ms, const char *error)
{
        const struct history_row row = {
                .source = c->job ? c->job->source : NULL,
                .event_id = c->job && c->job->ev.event_id[0] ? c->job->ev.event_id : NULL,
                .target = target, .kind = kind, .image = image,
                .old_image = old_image && *old_image ? old_image : NULL,
                .old_digest = old_digest && *old_digest ? old_digest : NULL,
                .new_digest = new_digest && *new_digest ? new_digest : NULL,
                .outcome = outcome, .duration_ms = duration_ms,
                .error = error && *error ? error : NULL,
        };

        if (c->state)
                state_record(c->state, &row);
        notify_note(&c->notes, row.source, target, kind, image, row.old_digest, row.new_digest, outcome,
                    duration_ms, row.error);
}

/* Log a Swarm service's outcome and count it as a container's would be. */
void drain_report_service(const struct swarm_result *res, void *userdata)
{
        struct drain_ctx *c = userdata;
        struct log_ctx ctx = { .source = c->job->source, .container = res->service,
                               .image = res->image, .outcome = res->outcome };
        bool bad = !strcmp(res->outcome, "failed") || !strcmp(res->outcome, "rolled-back");

        if (!strcmp(res->outcome, "updated"))
                c->st->updated++;
        else if (!strcmp(res->outcome, "unchanged"))
                c->st->unchanged++;
        else if (bad)
                c->st->failed++;
        log_ctx(bad ? LOG_ERR : LOG_NOTICE, &ctx, "service %s: %s%s%s (%lld ms)", res->service,
                res->outcome, res->reason[0] ? ": " : "", res->reason, res->duration_ms);
        record(c, res->service, "service", res->image, res->old_image, NULL, c->job->ev.digest, res->outcome,
               res->duration_ms, res->reason);
}

/* A digest rolled back on a container is not tried again by a push or
 * a poll (the push's digest, else what was pulled); one that works
 * clears the container's refusals. */
static void remember_refusal(struct drain_ctx *c, const struct update_result *res)
{
        const char *digest = c->job && c->job->ev.digest[0] ? c->job->ev.digest : res->new_digest;

        if (!c->state || !res->name[0])
                return;
        if (res->outcome == UPDATE_ROLLED_BACK && digest[0])
                state_refuse(c->state, res->name, digest, res->reason);
        else if (res->outcome == UPDATE_UPDATED)
                state_refused_clear(c->state, res->name);
}

void drain_report_container(struct drain_ctx *c, const char *image, const struct update_result *res)
{
        const char *name = res->name;
        struct log_ctx ctx = { .source = c->job ? c->job->source : NULL, .container = name,
                               .image = image, .outcome = update_outcome_name(res->outcome),
                               .digest = res->new_digest[0] ? res->new_digest : NULL };
        struct drain_stats *st = c->st;

        switch (res->outcome) {
        case UPDATE_UPDATED:
                st->updated++;
                log_ctx(LOG_NOTICE, &ctx, "updated %s to %s (%s -> %s) in %lld ms", name, image,
                        res->old_digest[0] ? res->old_digest : res->old_image_id,
                        res->new_digest[0] ? res->new_digest : res->new_image_id, res->duration_ms);
                break;
        case UPDATE_UNCHANGED:
                st->unchanged++;
                log_ctx(LOG_INFO, &ctx, "%s already runs the newest %s", name, image);
                break;
        case UPDATE_SKIPPED:
                log_ctx(LOG_INFO, &ctx, "%s skipped: %s", name, res->reason);
                break;
        case UPDATE_AVAILABLE:
                log_ctx(LOG_NOTICE, &ctx, "a newer %s is available for %s (%s): %s", image, name,
                        res->new_digest[0] ? res->new_digest : res->new_image_id, res->reason);
                break;
        case UPDATE_ROLLED_BACK:
                st->failed++;
                log_ctx(LOG_ERR, &ctx, "update of %s rolled back, the old container runs again: %s",
                        name, res->reason);
                break;
        case UPDATE_FAILED:
                st->failed++;
                log_ctx(LOG_ERR, &ctx, "update of %s failed%s: %s", name,
                        res->changed ? "" : ", nothing changed", res->reason);
                break;
        }
        record(c, name, "container", res->image[0] ? res->image : image, res->old_image, res->old_digest,
               res->new_digest, update_outcome_name(res->outcome), res->duration_ms, res->reason);
        remember_refusal(c, res);
}

bool drain_failed(const struct update_result *res)
{
        return res->outcome == UPDATE_FAILED || res->outcome == UPDATE_ROLLED_BACK;
}
