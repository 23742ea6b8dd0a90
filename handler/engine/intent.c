/* intent: the in-flight record of a replacement. */
#include <ctype.h>
#include <dirent.h>
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
#include "strutil.h"

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
        char path[PATH_MAX], *data;
        json_t *j;
        int r = path_of(state_dir, name, path, sizeof(path), true);

        if (r < 0)
                return r;
        j = json_pack("{s:s,s:b,s:b,s:[]}", "old_id", in->old_id, "was_running", in->was_running,
                      "proved", in->proved, "dependents");
        if (!j)
                return -ENOMEM;
        for (size_t i = 0; i < in->n_dependents; i++)
                if (json_array_append_new(json_object_get(j, "dependents"), json_string(in->dependents[i])) < 0) {
                        json_decref(j);
                        return -ENOMEM;
                }
        data = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!data)
                return -ENOMEM;
        r = write_file_atomic(path, data, strlen(data), 0640);
        free(data);
        return r;
}

/* Docker's container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*; they go into
 * API paths, so nothing else is taken from a record. */
static bool container_name_ok(const char *s)
{
        size_t n = strlen(s);

        if (n == 0 || n >= 256 || !isalnum((unsigned char)s[0]))
                return false;
        return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* The "dependents" array (absent in records of older versions). */
static int read_dependents(const json_t *arr, struct intent *in)
{
        const json_t *v;
        size_t i, n = json_array_size(arr);

        if (n == 0)
                return 0;
        if (n > INTENT_DEPENDENTS_MAX)
                return -EBADMSG;
        in->dependents = calloc(n, sizeof(*in->dependents));
        if (!in->dependents)
                return -ENOMEM;
        json_array_foreach(arr, i, v) {
                const char *s = json_string_value(v);

                if (!s || !container_name_ok(s))
                        return -EBADMSG;
                in->dependents[in->n_dependents] = strdup(s);
                if (!in->dependents[in->n_dependents])
                        return -ENOMEM;
                in->n_dependents++;
        }
        return 0;
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
        in->proved = json_is_true(json_object_get(j, "proved"));
        r = read_dependents(json_object_get(j, "dependents"), in);
        json_decref(j);
        if (r < 0)
                intent_free(in);
        return r;
}

void intent_free(struct intent *in)
{
        for (size_t i = 0; i < in->n_dependents; i++)
                free(in->dependents[i]);
        free(in->dependents);
        in->dependents = NULL;
        in->n_dependents = 0;
}

int intent_remove(const char *state_dir, const char *name)
{
        char path[PATH_MAX];
        int r = path_of(state_dir, name, path, sizeof(path), false);

        if (r < 0)
                return r;
        return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int intent_list(const char *state_dir, char ***names, size_t *n)
{
        char dir[PATH_MAX];
        struct dirent *e;
        char **v = NULL;
        size_t cap = 0;
        DIR *dp;
        int r = 0;

        *names = NULL;
        *n = 0;
        if (snprintf(dir, sizeof(dir), "%s/inflight", state_dir) >= (int)sizeof(dir))
                return -ENAMETOOLONG;
        dp = opendir(dir);
        if (!dp)
                return errno == ENOENT ? 0 : -errno;
        while ((e = readdir(dp))) {
                size_t len = strlen(e->d_name);

                /* NAME.json; NAME.json.tmp is a write that never finished */
                if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
                        continue;
                if (*n == cap) {
                        char **p = realloc(v, (cap ? cap * 2 : 8) * sizeof(*v));
                        if (!p) {
                                r = -ENOMEM;
                                break;
                        }
                        v = p;
                        cap = cap ? cap * 2 : 8;
                }
                v[*n] = strndup(e->d_name, len - 5);
                if (!v[*n]) {
                        r = -ENOMEM;
                        break;
                }
                (*n)++;
        }
        closedir(dp);
        if (r < 0) {
                intent_names_free(v, *n);
                *n = 0;
                return r;
        }
        *names = v;
        return 0;
}

void intent_names_free(char **names, size_t n)
{
        strv_free(names, n);
}
