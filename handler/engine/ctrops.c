/* ctrops: one container operation each, its answer checked. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "ctrops.h"
#include "log.h"

/* GET /WHAT/NAME/json: the object, or NULL with *status 404 when there
 * is no such thing, or a negative errno when Docker could not say (the
 * transfer failed; -EREMOTEIO: a 5xx or an unreadable reply).  Only 404 means gone: a
 * daemon restarting is never taken for a container removed. */
json_t *ctr_inspect(struct docker *d, const char *what, const char *name, int *status)
{
        json_t *j = NULL;

        *status = docker_callf(d, "GET", NULL, &j, 0, "/%s/%s/json", what, name);
        if (*status == 200 && json_is_object(j))
                return j;
        json_decref(j);
        if (*status >= 0 && *status != 404)
                *status = -EREMOTEIO;
        return NULL;
}

/* 1 running, 0 not, -ENOENT no such container, other -errno: Docker
 * failed. */
int ctr_running_state(struct docker *d, const char *id)
{
        int status;
        json_t *j = ctr_inspect(d, "containers", id, &status);
        int r;

        if (!j)
                return status == 404 ? -ENOENT : status;
        r = json_is_true(json_object_get(json_object_get(j, "State"), "Running"));
        json_decref(j);
        return r;
}

/* 0 when it is gone (or was), else -errno (negative status: Docker
 * could not be asked). */
int ctr_remove(struct docker *d, const char *id, bool force)
{
        /* v=0: never a volume, the new container shares them */
        int s = docker_callf(d, "DELETE", NULL, NULL, 0, "/containers/%s?v=0&force=%d", id, force);
        return s == 204 || s == 404 ? 0 : s < 0 ? s : -EIO;
}

/* Does the container with this id carry this name now? */
bool ctr_has_name(struct docker *d, const char *id, const char *name)
{
        int status;
        json_t *j = ctr_inspect(d, "containers", id, &status);
        const char *n = json_string_value(json_object_get(j, "Name"));
        bool yes = n && strcmp(n[0] == '/' ? n + 1 : n, name) == 0;

        json_decref(j);
        return yes;
}

/* Rename, and make sure of it: a daemon under load has been seen to
 * answer a rename with an error, so the name is checked and the rename
 * tried again a few times before the swap is given up.  Docker's message
 * goes to the log. */
int ctr_rename(struct docker *d, const char *id, const char *name)
{
        int s = 0;

        for (int attempt = 0; attempt < 3; attempt++) {
                json_t *reply = NULL;

                s = docker_callf(d, "POST", NULL, &reply, 0, "/containers/%s/rename?name=%s", id, name);
                if (s == 204 || ctr_has_name(d, id, name)) {
                        json_decref(reply);
                        return 0;
                }
                log_ctx(LOG_WARNING, &(struct log_ctx){ .container = name },
                        "rename of %.12s to %s: %d %s%s", id, name, s, docker_error_message(reply),
                        attempt < 2 ? "; trying again" : "");
                json_decref(reply);
                sleep_ms(500);
        }
        return s < 0 ? s : -EIO;
}

bool ctr_is_running(struct docker *d, const char *id)
{
        int status;
        json_t *j = ctr_inspect(d, "containers", id, &status);
        bool running = json_is_true(json_object_get(json_object_get(j, "State"), "Running"));

        json_decref(j);
        return running;
}

/* Stop with the container's own stop signal, or with the one a label
 * asks for: that signal first, SIGKILL after the timeout.  (The stop
 * endpoint takes a signal only from API 1.42, so kill is used.) */
int ctr_stop(struct docker *d, const char *id, const char *signal, int timeout)
{
        char *esig;
        int s;

        if (!signal) {
                /* 304: already stopped */
                s = docker_callf(d, "POST", NULL, NULL, timeout + 30, "/containers/%s/stop?t=%d", id, timeout);
                return s == 204 || s == 304 ? 0 : s < 0 ? s : -EIO;
        }
        esig = docker_escape(d, signal);
        s = docker_callf(d, "POST", NULL, NULL, 0, "/containers/%s/kill?signal=%s", id, esig ? esig : "");
        docker_free(esig);
        if (s != 204 && s != 409)       /* 409: not running */
                return s < 0 ? s : -EIO;
        for (int i = 0; i < timeout * 10 && ctr_is_running(d, id); i++)
                sleep_ms(100);
        if (ctr_is_running(d, id))
                docker_callf(d, "POST", NULL, NULL, 0, "/containers/%s/kill?signal=SIGKILL", id);
        for (int i = 0; i < 100 && ctr_is_running(d, id); i++)
                sleep_ms(100);
        return ctr_is_running(d, id) ? -EIO : 0;
}

/* 0, -EIO when Docker refused (the reply in *err), or a transport
 * -errno. */
int ctr_start(struct docker *d, const char *id, json_t **err)
{
        int s = docker_callf(d, "POST", NULL, err, 0, "/containers/%s/start", id);
        return s == 204 || s == 304 ? 0 : s < 0 ? s : -EIO;
}

int ctr_image_digests(struct docker *d, const char *image, const char *digest, char *first, size_t size)
{
        const json_t *rd;
        json_t *img = NULL;
        size_t i;
        int yes = 0, status;

        if (first && size)
                first[0] = '\0';
        if (!image)
                return 0;
        status = docker_callf(d, "GET", NULL, &img, 0, "/images/%s/json", image);
        if (status != 200) {
                json_decref(img);
                return status == 404 ? 0 : status < 0 ? status : -EIO;
        }
        json_array_foreach(json_object_get(img, "RepoDigests"), i, rd) {
                const char *at = strrchr(json_string_value(rd) ?: "", '@');

                if (!at)
                        continue;
                if (first && size && !first[0])
                        snprintf(first, size, "%s", at + 1);
                if (digest && digest[0] && strcmp(at + 1, digest) == 0)
                        yes = 1;
        }
        json_decref(img);
        return yes;
}
