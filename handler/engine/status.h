/* status: the containers and services redock watches, what they run,
 * the labels that steer them and their values, the last outcome recorded
 * for each, and what waits in the queue.  While Docker cannot be reached
 * it shows what redock's own state records, and says so. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "config.h"

struct status_args {
        bool json;              /* one JSON document instead of tables */
        char **names;           /* only these containers and services ... */
        int n_names;            /* ... when there are any */
};

/* Write the status to out: one JSON document
 *   {"docker":{...},"containers":[ROW...],"services":[ROW...],"queued":{...}}
 * or tables printed from the same rows (one column per key of a row).
 * Problems go to stderr, one line each.  Returns 0; -EHOSTUNREACH when
 * Docker could not be reached (what the state records was printed);
 * -ENOENT when a name given is no opted-in container or service (the
 * others were printed); another -errno when nothing could be printed. */
int status_run(const struct config *cfg, const struct status_args *a, FILE *out);

/* The tables for a status document as status_run builds it: a line
 * saying Docker could not be reached when "docker"."reachable" is not
 * true, the containers, the services (when there are any), the queued
 * jobs.  Each table has one column per key of its rows, in the order the
 * keys first appear (less image_id); null or missing is "-", an
 * object "key=value,flag,no-flag", an array "a+b", a digest short.  No
 * I/O but out.  Returns 0 or -ENOMEM. */
int status_print_tables(FILE *out, const json_t *doc);
