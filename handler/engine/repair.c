/* repair: finish or undo what an interrupted replacement left. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctrops.h"
#include "intent.h"
#include "lock.h"
#include "log.h"
#include "recreate.h"
#include "repair.h"

/* Start again the dependents an interrupted swap stopped.  One that is
 * gone or that Docker refuses to start is logged and left (it is not
 * this record's to keep); 0, or -errno when Docker could not be asked. */
static int start_dependents(struct docker *d, const char *name, const struct intent *in)
{
        for (size_t i = 0; i < in->n_dependents; i++) {
                const char *dep = in->dependents[i];
                json_t *reply = NULL;
                int st = ctr_running_state(d, dep), r;

                if (st == -ENOENT || st == 1)
                        continue;
                if (st < 0)
                        return st;
                r = ctr_start(d, dep, &reply);
                if (r < 0 && r != -EIO) {
                        json_decref(reply);
                        return r;
                }
                log_ctx(r == 0 ? LOG_NOTICE : LOG_ERR, &(struct log_ctx){ .container = dep },
                        r == 0 ? "started %s again, stopped for the interrupted update of %s%s"
                               : "could not start %s again after the interrupted update of %s: %s",
                        dep, name, r == 0 ? "" : docker_error_message(reply));
                json_decref(reply);
        }
        return 0;
}

/* Make a container that ran before the swap run again.  0 or -errno. */
static int ensure_running(struct docker *d, const char *id, const char *name)
{
        json_t *reply = NULL;
        int st = ctr_running_state(d, id), r;

        if (st != 0)
                return st < 0 ? st : 0;
        r = ctr_start(d, id, &reply);
        log_ctx(r == 0 ? LOG_NOTICE : LOG_ERR, &(struct log_ctx){ .container = name },
                r == 0 ? "started %s again: it ran before the interrupted update%s"
                       : "could not start %s again after the interrupted update: %s",
                name, r == 0 ? "" : docker_error_message(reply));
        json_decref(reply);
        return r;
}

/* The new container had proved itself, or the old one is gone: finish
 * the swap.  The old one goes, the new one is under the name and runs if
 * the old one ran. */
static int finish_swap(struct docker *d, const char *name, const struct intent *in, bool old_there)
{
        char tmp[300];
        json_t *cur;
        int status, r;

        if (old_there && (r = ctr_remove(d, in->old_id, true)) < 0)
                return r;
        cur = ctr_inspect(d, "containers", name, &status);
        if (!cur && status < 0)
                return status;
        if (!cur) {
                /* the new one was never renamed in */
                snprintf(tmp, sizeof(tmp), "%s" SUFFIX_NEW, name);
                cur = ctr_inspect(d, "containers", tmp, &status);
                if (!cur && status < 0)
                        return status;
                if (!cur) {
                        log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                                "the update of %s was interrupted and neither the old nor the new container "
                                "is there any more", name);
                        return 0;
                }
                json_decref(cur);
                if ((r = ctr_rename(d, tmp, name)) < 0)
                        return r;
        } else
                json_decref(cur);
        log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                "an update of %s was interrupted after the new container took over; finishing it", name);
        return in->was_running ? ensure_running(d, name, name) : 0;
}

/* Put the old container back: the new one gone, the old one under its
 * name, running if it ran. */
static int undo_swap(struct docker *d, const char *name, const struct intent *in, const json_t *old)
{
        char tmp[300];
        json_t *cur;
        int status, r;

        log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                "an update of %s was interrupted; putting the old container back", name);
        snprintf(tmp, sizeof(tmp), "%s" SUFFIX_NEW, name);
        if ((r = ctr_remove(d, tmp, true)) < 0)
                return r;
        cur = ctr_inspect(d, "containers", name, &status);
        if (!cur && status < 0)
                return status;
        r = 0;
        if (cur && strcmp(json_string_value(json_object_get(cur, "Id")) ?: "", in->old_id) != 0)
                r = ctr_remove(d, name, true);    /* the new one, renamed in */
        json_decref(cur);
        if (r < 0)
                return r;
        if (strcmp(recreate_name(old) ?: "", name) != 0 && (r = ctr_rename(d, in->old_id, name)) < 0)
                return r;
        return in->was_running ? ensure_running(d, in->old_id, name) : 0;
}

/* Finish or undo what an interrupted replacement left, from its intent
 * record, and start the dependents it stopped; the record goes only when
 * that is done.  Without a record, only a stale temporary is tidied.  The
 * job is still queued, so the update then runs again from a clean start.
 * Under the container's lock.  0, or -errno (the record is kept). */
int repair_one(struct docker *d, const char *state_dir, const char *name)
{
        char tmp[300];
        struct intent in;
        json_t *old;
        int status, r;

        snprintf(tmp, sizeof(tmp), "%s" SUFFIX_NEW, name);
        r = intent_read(state_dir, name, &in);
        if (r < 0) {
                json_t *j;

                if (r != -ENOENT)
                        log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                                "cannot read the in-flight record of %s under %s/inflight (%s)", name,
                                state_dir, strerror(-r));
                j = ctr_inspect(d, "containers", tmp, &status);
                if (!j)
                        return status < 0 ? status : 0;
                json_decref(j);
                log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                        "removing %s left by an interrupted update", tmp);
                return ctr_remove(d, tmp, true);
        }

        old = ctr_inspect(d, "containers", in.old_id, &status);
        if (!old && status < 0)
                r = status;
        else if (!old || in.proved)
                r = finish_swap(d, name, &in, old != NULL);
        else
                r = undo_swap(d, name, &in, old);
        json_decref(old);
        if (r == 0)
                r = start_dependents(d, name, &in);
        intent_free(&in);
        if (r < 0) {
                log_ctx(LOG_ERR, &(struct log_ctx){ .container = name },
                        "cannot repair the interrupted update of %s yet (%s); its record is kept", name,
                        strerror(-r));
                return r;
        }
        return intent_remove(state_dir, name);
}

int repair_all(struct docker *d, const struct config *cfg)
{
        char dir[PATH_MAX], **names;
        size_t n;
        int r, err = 0;

        r = intent_list(cfg->state_dir, &names, &n);
        if (r < 0) {
                log_msg(LOG_ERR, "cannot list %s/inflight: %s", cfg->state_dir, strerror(-r));
                return 0;       /* not Docker's failure; each update still repairs its own */
        }
        snprintf(dir, sizeof(dir), "%s/locks", cfg->state_dir);
        for (size_t i = 0; i < n; i++) {
                /* held: a live update of that container, not a leftover */
                int lock = lock_take(dir, names[i], false);

                if (lock == -EWOULDBLOCK)
                        continue;
                if (lock < 0) {
                        char hint[LOCK_HINT_MAX];

                        /* without the lock a live update could be undone */
                        lock_owner_hint(dir, names[i], hint, sizeof(hint));
                        log_ctx(LOG_ERR, &(struct log_ctx){ .container = names[i] },
                                "cannot take the lock %s/%s.lock: %s; its interrupted update is not repaired without it%s",
                                dir, names[i], strerror(-lock), hint);
                        if (!err)
                                err = lock;
                        continue;
                }
                r = repair_one(d, cfg->state_dir, names[i]);
                close(lock);
                if (r < 0 && !err)
                        err = r;
        }
        intent_names_free(names, n);
        return err;
}
