/* intent: the in-flight record of a replacement. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "intent.h"

static int path_of(const char *state_dir, const char *name, char *buf, size_t size, bool mkdirs)
{
        int r;

        if (snprintf(buf, size, "%s/inflight", state_dir) >= (int)size)
                return -ENAMETOOLONG;
        if (mkdirs && (r = mkdir_p(buf, 0750)) < 0)
                return r;
        if (snprintf(buf, size, "%s/inflight/%s.json", state_dir, name) >= (int)size)
                return -ENAMETOOLONG;
        return 0;
}

int intent_write(const char *state_dir, const char *name, const struct intent *in)
{
        char path[PATH_MAX], tmp[PATH_MAX + 16];
        json_t *j;
        int r = path_of(state_dir, name, path, sizeof(path), true);
        int fd;

        if (r < 0)
                return r;
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        j = json_pack("{s:s,s:b}", "old_id", in->old_id, "was_running", in->was_running);
        if (!j)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (fd < 0) {
                json_decref(j);
                return -errno;
        }
        r = json_dumpfd(j, fd, JSON_COMPACT) < 0 ? -EIO : 0;
        json_decref(j);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        close(fd);
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}

int intent_read(const char *state_dir, const char *name, struct intent *in)
{
        char path[PATH_MAX];
        const char *id;
        json_t *j;
        int r = path_of(state_dir, name, path, sizeof(path), false);

        memset(in, 0, sizeof(*in));
        if (r < 0)
                return r;
        if (access(path, F_OK) < 0)
                return -errno;
        j = json_load_file(path, 0, NULL);
        id = json_string_value(json_object_get(j, "old_id"));
        if (!id || strlen(id) >= sizeof(in->old_id)) {
                json_decref(j);
                return -EBADMSG;
        }
        strcpy(in->old_id, id);
        in->was_running = json_is_true(json_object_get(j, "was_running"));
        json_decref(j);
        return 0;
}

int intent_remove(const char *state_dir, const char *name)
{
        char path[PATH_MAX];
        int r = path_of(state_dir, name, path, sizeof(path), false);

        if (r < 0)
                return r;
        return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

void fault_point(const char *point)
{
        const char *f = getenv("REDOCK_FAULT");

        if (f && strcmp(f, point) == 0) {
                fprintf(stderr, "redock: REDOCK_FAULT=%s: dying here\n", point);
                raise(SIGKILL);
        }
}
