/* intent: a small record, written before a replacement starts changing
 * anything, of what the container was; if the process dies or Docker
 * fails half way, a later run reads it to put the old container back
 * (and then updates again from a clean start), or to finish a swap that
 * had proved itself.  STATE_DIR/inflight/NAME.json.
 *
 * The record is removed only once the swap is over for certain: the new
 * container proved itself and the old one is gone, or the old one is back
 * under its name (running if it ran) and the new one is gone.  A rollback
 * that failed half way keeps it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The containers one swap may stop around itself (its dependents). */
#define INTENT_DEPENDENTS_MAX   256

struct intent {
        char old_id[80];
        bool was_running;
        /* the new container proved itself and runs under the name; only
         * the old one's removal is left */
        bool proved;
        /* names of the dependents stopped (or about to be) for the swap:
         * whoever finishes or undoes it starts them again */
        char **dependents;
        size_t n_dependents;
};

int intent_write(const char *state_dir, const char *name, const struct intent *in);
/* 0 and *in filled (free it with intent_free), -ENOENT when there is
 * none, -EBADMSG when it cannot be read, other -errno. */
int intent_read(const char *state_dir, const char *name, struct intent *in);
int intent_remove(const char *state_dir, const char *name);
void intent_free(struct intent *in);
/* The names of every record under STATE_DIR/inflight (allocated; free
 * with intent_names_free); 0 and none when the directory is missing. */
int intent_list(const char *state_dir, char ***names, size_t *n);
void intent_names_free(char **names, size_t n);
