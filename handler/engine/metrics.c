/* metrics: what redock did, in Prometheus' text format. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <systemd/sd-bus.h>

#include "counters.h"
#include "metrics.h"
#include "pending.h"
#include "queue.h"

/* the webhook socket whose connections systemd counts */
#define WEBHOOK_SOCKET "redock.socket"
#define BUS_TIMEOUT_US (2 * 1000 * 1000)

/* seconds; an update is a pull, a create, a swap and a health gate */
static const double buckets[] = { 1, 2.5, 5, 10, 30, 60, 120, 300 };
#define N_BUCKETS (sizeof(buckets) / sizeof(buckets[0]))

struct tally {
        json_t *outcomes;       /* "kind\toutcome" -> count */
        json_t *last_success;   /* target -> unix time */
        long long in_bucket[N_BUCKETS], count, sum_ms;
};

static int count_row(const struct history_row *row, void *userdata)
{
        struct tally *t = userdata;
        char key[128];
        const json_t *v;

        if (!row->kind || !row->outcome || !row->target)
                return 0;
        snprintf(key, sizeof(key), "%s\t%s", row->kind, row->outcome);
        v = json_object_get(t->outcomes, key);
        if (json_object_set_new(t->outcomes, key, json_integer((v ? json_integer_value(v) : 0) + 1)) < 0)
                return -ENOMEM;
        if (strcmp(row->outcome, "updated") != 0 && strcmp(row->outcome, "rolled-back") != 0)
                return 0;
        t->count++;
        t->sum_ms += row->duration_ms;
        for (size_t i = 0; i < N_BUCKETS; i++)
                if (row->duration_ms <= (long long)(buckets[i] * 1000))
                        t->in_bucket[i]++;
        if (strcmp(row->outcome, "updated") == 0 &&
            json_object_set_new(t->last_success, row->target, json_integer(row->time)) < 0)
                return -ENOMEM;
        return 0;
}

/* A label value as the text format wants it: \ " and newline escaped. */
static void put_label(FILE *out, const char *s)
{
        for (; *s; s++) {
                if (*s == '\\' || *s == '"')
                        fputc('\\', out);
                if (*s == '\n')
                        fputs("\\n", out);
                else
                        fputc(*s, out);
        }
}

static void put_depth(FILE *out, const char *what, const char *dir)
{
        long jobs = 0;
        long long bytes = 0;

        if (dir && queue_usage(dir, 1000000, 1LL << 40, &jobs, &bytes) == 0)
                fprintf(out, "redock_queue_depth{dir=\"%s\"} %ld\n", what, jobs);
}

/* What the drain counted durably (counters.h): true zeros without a
 * database, as no drain recorded anything then. */
static int put_deliveries(FILE *out, struct state *st)
{
        long long accepted = 0, duplicate = 0;
        int r = 0;

        if (st) {
                r = counters_get(st, COUNTER_DELIVERIES_ACCEPTED, &accepted);
                if (r == 0)
                        r = counters_get(st, COUNTER_DELIVERIES_DUPLICATE, &duplicate);
        }
        if (r < 0)
                return r;
        fprintf(out, "# HELP redock_deliveries_total Webhook deliveries the drain took: accepted, or dropped as a duplicate (a registry's redelivery).\n"
                     "# TYPE redock_deliveries_total counter\n"
                     "redock_deliveries_total{outcome=\"accepted\"} %lld\n"
                     "redock_deliveries_total{outcome=\"duplicate\"} %lld\n", accepted, duplicate);
        return 0;
}

/* systemd's own count of the connections redock.socket accepted (the
 * unit's NAccepted, since it was last started), asked over the system
 * bus.  A process that may not ask (no bus in its sandbox, no systemd)
 * says why in a comment and leaves the metric out: a made-up 0 would
 * look like a quiet webhook. */
static void put_connections(FILE *out)
{
        sd_bus_error err = SD_BUS_ERROR_NULL;
        sd_bus *bus = NULL;
        char *path = NULL;
        uint32_t n = 0;
        int r = sd_bus_open_system(&bus);

        if (r >= 0)
                r = sd_bus_set_method_call_timeout(bus, BUS_TIMEOUT_US);
        if (r >= 0)
                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", WEBHOOK_SOCKET, &path);
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", path,
                                                "org.freedesktop.systemd1.Socket", "NAccepted", &err, 'u', &n);
        if (r < 0)
                fprintf(out, "# " WEBHOOK_SOCKET ": systemd's count of accepted connections cannot be read: %s\n",
                        sd_bus_error_is_set(&err) && err.message ? err.message : strerror(-r));
        else
                fprintf(out, "# HELP redock_webhook_connections_total Connections " WEBHOOK_SOCKET
                             " accepted since it was started (systemd's NAccepted).\n"
                             "# TYPE redock_webhook_connections_total counter\n"
                             "redock_webhook_connections_total %u\n", n);
        sd_bus_error_free(&err);
        free(path);
        sd_bus_flush_close_unref(bus);
}

/* Changes that wait for an operator's approval (pending.h); none
 * without a database. */
static void put_pending(FILE *out, struct state *st)
{
        long long n = 0;

        if (st && pending_count(st, &n) < 0)
                return;
        fprintf(out, "# HELP redock_pending_approvals Changes that wait for an operator's approval.\n"
                     "# TYPE redock_pending_approvals gauge\n"
                     "redock_pending_approvals %lld\n", n);
}

int metrics_write(const struct config *cfg, struct state *st, FILE *out)
{
        struct tally t = { .outcomes = json_object(), .last_success = json_object() };
        const char *key;
        json_t *v;
        long long rollbacks = 0;
        int r = t.outcomes && t.last_success ? 0 : -ENOMEM;

        if (r == 0 && st)
                r = state_each_row(st, count_row, &t);
        if (r == 0) {
                fputs("# HELP redock_updates_total Decisions in redock's history, by kind and outcome.\n"
                      "# TYPE redock_updates_total counter\n", out);
                json_object_foreach(t.outcomes, key, v) {
                        const char *tab = strchr(key, '\t');

                        fprintf(out, "redock_updates_total{kind=\"%.*s\",outcome=\"", (int)(tab - key), key);
                        put_label(out, tab + 1);
                        fprintf(out, "\"} %lld\n", (long long)json_integer_value(v));
                        if (strcmp(tab + 1, "rolled-back") == 0)
                                rollbacks += json_integer_value(v);
                }
                fprintf(out, "# HELP redock_rollbacks_total Updates rolled back to the old container.\n"
                             "# TYPE redock_rollbacks_total counter\n"
                             "redock_rollbacks_total %lld\n", rollbacks);
                fputs("# HELP redock_update_duration_seconds How long an update that swapped containers took.\n"
                      "# TYPE redock_update_duration_seconds histogram\n", out);
                for (size_t i = 0; i < N_BUCKETS; i++)
                        fprintf(out, "redock_update_duration_seconds_bucket{le=\"%g\"} %lld\n", buckets[i],
                                t.in_bucket[i]);
                fprintf(out, "redock_update_duration_seconds_bucket{le=\"+Inf\"} %lld\n"
                             "redock_update_duration_seconds_sum %.3f\n"
                             "redock_update_duration_seconds_count %lld\n",
                        t.count, (double)t.sum_ms / 1000, t.count);
                fputs("# HELP redock_queue_depth Entries waiting in the queue and in split mode's inbox.\n"
                      "# TYPE redock_queue_depth gauge\n", out);
                put_depth(out, "queue", cfg->queue_dir);
                put_depth(out, "inbox", cfg->inbox_dir);
                put_pending(out, st);
                fputs("# HELP redock_last_success_timestamp_seconds When each container or service was last updated.\n"
                      "# TYPE redock_last_success_timestamp_seconds gauge\n", out);
                json_object_foreach(t.last_success, key, v) {
                        fputs("redock_last_success_timestamp_seconds{target=\"", out);
                        put_label(out, key);
                        fprintf(out, "\"} %lld\n", (long long)json_integer_value(v));
                }
                r = put_deliveries(out, st);
                put_connections(out);
        }
        json_decref(t.outcomes);
        json_decref(t.last_success);
        return r;
}
