/* drainctx: what one drain has open, shared by the drain's modules
 * (drain.c the pass and the replacing, drainfollow.c who follows the
 * push at hand, drainhold.c when to deploy it, drainreport.c what is
 * said and recorded of each outcome).  Private to them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "docker.h"
#include "drain.h"
#include "event.h"
#include "notify.h"
#include "queue.h"
#include "repos.h"
#include "state.h"
#include "tagpolicy.h"

/* A container a tag policy moved in this pass, and where to. */
struct drain_moved {
        char *name;
        char *ref;
};

/* What one drain has open: Docker, the state database (may be NULL:
 * history is then not recorded, the work goes on). */
struct drain_ctx {
        const struct config *cfg;
        struct docker d;
        struct state *state;
        struct drain_stats *st;
        const struct job *job;          /* the newest job of the push at hand */
        /* every push of the pass, for tag policies: a container moves to
         * the best tag among them (match_tag_push) */
        const struct push_event **pass;
        size_t n_pass;
        bool failed;                    /* an update of that push failed */
        bool held;                      /* that push waits (min-age, window) */
        bool repaired;                  /* inflight/ looked at in this drain */
        struct notify_batch notes;      /* this pass's outcomes, for the notifiers */
        struct repos_cache repos;       /* the API's pins and auto-deploy, read once per pass */
        struct tagpolicy_cache policies; /* tag policies parsed in this pass */
        /* what tag policies moved in this pass: the containers as listed
         * at its start still show where they came from */
        struct drain_moved *moved;
        size_t n_moved;
};
