/* listing: containers as GET /containers/json lists them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "listing.h"

bool listing_image_is_id(const char *image)
{
        return strncmp(image, "sha256:", 7) == 0 || strspn(image, "0123456789abcdef") == strlen(image);
}

const char *listing_name(const json_t *ins)
{
        const char *name = json_string_value(json_object_get(ins, "Name"));

        return name && name[0] == '/' ? name + 1 : name;
}

/* A container's own name has one slash ("/db"); the names its links give
 * it have two ("/web/db": web links to it as db).  Docker lists them in
 * no set order. */
static const char *own_name(const json_t *names)
{
        const json_t *v;
        size_t i;

        json_array_foreach(names, i, v) {
                const char *s = json_string_value(v);

                if (s && s[0] == '/' && !strchr(s + 1, '/'))
                        return s;
        }
        return NULL;
}

json_t *listing_summary(const json_t *entry)
{
        const char *id = json_string_value(json_object_get(entry, "Id"));
        const char *image = json_string_value(json_object_get(entry, "Image"));
        const char *image_id = json_string_value(json_object_get(entry, "ImageID"));
        const char *name = own_name(json_object_get(entry, "Names"));
        const char *state = json_string_value(json_object_get(entry, "State"));
        const char *mode = json_string_value(json_object_get(json_object_get(entry, "HostConfig"), "NetworkMode"));
        json_t *labels = json_object_get(entry, "Labels");
        json_t *nets = json_object_get(json_object_get(entry, "NetworkSettings"), "Networks");

        /* inspect's State.Running is true for paused and restarting ones too */
        bool running = state && (!strcmp(state, "running") || !strcmp(state, "paused") || !strcmp(state, "restarting"));

        if (!id || !name || !image_id)
                return NULL;
        if (image && listing_image_is_id(image))
                image = NULL;   /* the tag moved on: the reference is only in inspect */
        return json_pack("{s:s,s:s,s:s,s:{s:s?,s:b},s:{s:s?,s:O},s:{s:s?,s:[]},s:{s:O}}", "Id", id, "Name", name,
                         "Image", image_id, "State", "Status", state, "Running", running,
                         "Config", "Image", image, "Labels", labels ? labels : json_null(),
                         "HostConfig", "NetworkMode", mode, "Links",
                         "NetworkSettings", "Networks", nets ? nets : json_null());
}

/* The summary in arr called name ("/db"), or NULL. */
static json_t *by_name(json_t *arr, const char *name, size_t len)
{
        json_t *c;
        size_t i;

        json_array_foreach(arr, i, c) {
                const char *n = json_string_value(json_object_get(c, "Name"));

                if (n && strlen(n) == len && strncmp(n, name, len) == 0)
                        return c;
        }
        return NULL;
}

/* "/web/db" on container /db: web links to db as db.  Inspect shows that
 * on web, as HostConfig.Links "/db:/web/db"; the list only on db. */
static int add_links(json_t *arr, const json_t *entries)
{
        const json_t *e, *v;
        size_t i, k;

        json_array_foreach(entries, i, e) {
                const char *own = own_name(json_object_get(e, "Names"));

                json_array_foreach(json_object_get(e, "Names"), k, v) {
                        const char *s = json_string_value(v), *slash;
                        json_t *linker, *links;
                        char link[600];

                        if (!own || !s || s[0] != '/' || !(slash = strchr(s + 1, '/')))
                                continue;
                        linker = by_name(arr, s, (size_t)(slash - s));
                        links = json_object_get(json_object_get(linker, "HostConfig"), "Links");
                        if (!links)
                                continue;
                        snprintf(link, sizeof(link), "%s:%s", own, s);
                        if (json_array_append_new(links, json_string(link)) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

int listing_inspect(struct docker *d, const char *id, json_t **out)
{
        json_t *ins = NULL;
        int status = docker_callf(d, "GET", NULL, &ins, 0, "/containers/%s/json", id);

        *out = NULL;
        if (status == 200 && json_is_object(ins)) {
                *out = ins;
                return 0;
        }
        json_decref(ins);
        if (status == 404)
                return 0;
        return status < 0 ? status : -EIO;
}

json_t *listing_from_list(const json_t *list)
{
        json_t *arr = json_array();
        const json_t *e;
        size_t i;

        json_array_foreach(list, i, e) {
                json_t *c = listing_summary(e);

                if (arr && c && json_array_append_new(arr, c) < 0) {
                        json_decref(arr);
                        return NULL;
                }
        }
        if (arr && add_links(arr, list) < 0) {
                json_decref(arr);
                return NULL;
        }
        return arr;
}

json_t *listing_get(struct docker *d, const char *path, int *err)
{
        json_t *list = NULL, *arr = NULL;
        int status = docker_call(d, "GET", path, NULL, &list, 0);

        if (status != 200 || !json_is_array(list))
                *err = status < 0 ? status : -EIO;
        else if (!(arr = listing_from_list(list)))
                *err = -ENOMEM;
        json_decref(list);
        return arr;
}

/* Do a and b share a network on which one may link to the other?  Only
 * user-defined networks carry links the list does not show; the default
 * bridge's legacy links are in Names. */
static bool share_network(const json_t *a, const json_t *b)
{
        const json_t *nb = json_object_get(json_object_get(b, "NetworkSettings"), "Networks");
        const char *net;
        const json_t *v;

        json_object_foreach((json_t *)json_object_get(json_object_get(a, "NetworkSettings"), "Networks"), net, v)
                if (strcmp(net, "bridge") && strcmp(net, "host") && strcmp(net, "none") &&
                    json_object_get(nb, net))
                        return true;
        return false;
}

void listing_tied(const json_t *all, const struct deps_graph *g, bool *tied)
{
        bool more = true;

        /* to a fixed point: each round adds the next ring */
        while (more) {
                more = false;
                for (size_t b = 0; b < g->n; b++)
                        for (size_t a = 0; a < g->n && !tied[b]; a++)
                                if (tied[a] && (g->edge[b * g->n + a] ||
                                                share_network(json_array_get(all, a), json_array_get(all, b))))
                                        tied[b] = more = true;
        }
}
