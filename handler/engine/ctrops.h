/* ctrops: one operation on a container (or an inspect of an image)
 * each, its answer checked against what Docker then reports: what
 * update.c's steps and repair.c are made of.  A negative return is a
 * -errno; -EIO means Docker answered and refused. */
#pragma once

#include <stdbool.h>
#include <jansson.h>

#include "docker.h"

/* The names a replacement gives its temporaries: NAME-redock-new for the
 * new container until the swap, NAME-redock-old for the old one after. */
#define SUFFIX_NEW "-redock-new"
#define SUFFIX_OLD "-redock-old"

/* GET /WHAT/NAME/json (WHAT: containers or images): the object, or NULL
 * with *status 404 when there is no such thing, or a -errno when Docker
 * could not say (-EREMOTEIO: a 5xx or an unreadable reply). */
json_t *ctr_inspect(struct docker *d, const char *what, const char *name, int *status);

/* 1 running, 0 not, -ENOENT no such container, other -errno. */
int ctr_running_state(struct docker *d, const char *id);
bool ctr_is_running(struct docker *d, const char *id);

/* Does the container with this id carry this name now? */
bool ctr_has_name(struct docker *d, const char *id, const char *name);

/* Remove (never its volumes); 0 when it is gone, or was. */
/* Does image (an id or a reference) carry digest among its RepoDigests,
 * as Docker recorded them when it pulled it?  1 yes, 0 no (or no such
 * image), -errno.  The first of its digests goes into first ("" none)
 * when first is not NULL. */
int ctr_image_digests(struct docker *d, const char *image, const char *digest, char *first, size_t size);

int ctr_remove(struct docker *d, const char *id, bool force);

/* Rename, checked and tried again a few times. */
int ctr_rename(struct docker *d, const char *id, const char *name);

/* Stop with signal (NULL: the container's own) and SIGKILL after timeout
 * seconds; 0 once it is stopped. */
int ctr_stop(struct docker *d, const char *id, const char *signal, int timeout);

/* Start; -EIO when Docker refused, its reply in *err. */
int ctr_start(struct docker *d, const char *id, json_t **err);
