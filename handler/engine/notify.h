/* notify: tell people what a drain decided, once per pass per notifier.
 *
 * The drain notes each outcome as it is decided (notify_note) and sends
 * them all at the end of the pass (notify_flush): twenty updates are one
 * message per [notify NAME], not twenty.  Sending never changes an
 * outcome: a notifier that fails is logged and forgotten, each try is
 * bounded by the notifier's timeout, and a failed try is retried once. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* One decided outcome, as a message shows it. */
struct notify_item {
        char *source;           /* the webhook source, or NULL (redock update) */
        char *target;           /* container or service name */
        char *kind;             /* "container" or "service" */
        char *image;
        char *old_digest, *new_digest;  /* NULL when unknown */
        char *outcome;          /* "updated", "rolled-back", "failed", "available", "pending", "test" */
        char *reason;           /* Docker's own message, or NULL */
        long long duration_ms;
};

struct notify_batch {
        struct notify_item *items;
        size_t n;
};

/* The notify_event bit an outcome word stands for; 0 for outcomes no one
 * is told about (unchanged, skipped). */
unsigned notify_outcome_event(const char *outcome);

/* Keep an outcome for the next flush; copies every string.  Outcomes no
 * notifier could want are not kept.  Out of memory loses the note only. */
void notify_note(struct notify_batch *b, const char *source, const char *target, const char *kind,
                 const char *image, const char *old_digest, const char *new_digest, const char *outcome,
                 long long duration_ms, const char *reason);

/* Which items of b this notifier wants (events, sources, containers):
 * sel[i] set for each; returns how many. */
size_t notify_select(const struct notifier *nt, const struct notify_batch *b, bool *sel);

/* The message for nt of the selected items, allocated: the request body
 * (JSON for slack, teams, webhook and gotify; text for ntfy; the whole
 * RFC 5322 message for email), and in *title the one-line summary
 * (allocated).  NULL when out of memory. */
char *notify_render(const struct notifier *nt, const struct notify_batch *b, const bool *sel,
                    const char *host, long now, char **title);

/* X-Redock-Signature's value for body at time t, keyed with secret:
 * "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>">", into buf. */
void notify_signature(const char *secret, long t, const char *body, char *buf, size_t size);

/* Send the batch to every notifier that wants some of it, then empty it.
 * Failures are logged (never a secret, never the URL).  Returns how many
 * notifiers could not be told. */
int notify_flush(const struct config *cfg, struct notify_batch *b);

/* Send one test message to nt, whatever its filters.  0, or -errno with
 * why in errbuf. */
int notify_test(const struct notifier *nt, char *errbuf, size_t size);

void notify_batch_clear(struct notify_batch *b);
