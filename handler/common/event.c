/* event: push events, their validation, and format detection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "strutil.h"
#include "formats/formats.h"
#include "http.h"
#include "imageref.h"

void event_list_free(struct event_list *l)
{
        free(l->v);
        l->v = NULL;
        l->n = l->cap = 0;
}

static bool same_push(const struct push_event *a, const struct push_event *b)
{
        return strcmp(a->registry, b->registry) == 0 &&
               strcmp(a->repository, b->repository) == 0 &&
               strcmp(a->tag, b->tag) == 0 &&
               strcmp(a->digest, b->digest) == 0;
}

int event_list_add(struct event_list *l, const struct push_event *ev)
{
        for (size_t i = 0; i < l->n; i++)
                if (same_push(&l->v[i], ev))
                        return 0;
        if (l->n >= EVENTS_MAX)
                return -E2BIG;
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 4;
                struct push_event *v = reallocarray(l->v, cap, sizeof(*v));
                if (!v)
                        return -ENOMEM;
                l->v = v;
                l->cap = cap;
        }
        l->v[l->n++] = *ev;
        return 0;
}

static bool printable(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
                        return false;
        return true;
}

int push_event_set(struct push_event *ev, const char *registry,
                   const char *repository, const char *tag,
                   const char *digest, const char *media_type,
                   const char *event_id)
{
        memset(ev, 0, sizeof(*ev));
        if (!registry || !repository || !tag)
                return -EINVAL;
        if (str_copy(ev->registry, sizeof(ev->registry), registry) < 0 ||
            str_copy(ev->repository, sizeof(ev->repository), repository) < 0 ||
            str_copy(ev->tag, sizeof(ev->tag), tag) < 0 ||
            str_copy(ev->digest, sizeof(ev->digest), digest) < 0 ||
            str_copy(ev->media_type, sizeof(ev->media_type), media_type) < 0 ||
            str_copy(ev->event_id, sizeof(ev->event_id), event_id) < 0)
                return -EINVAL;
        /* an empty registry means "the source's own", for formats whose
         * payload does not name the host (Nexus, zot) */
        if ((ev->registry[0] && !imageref_valid_host(ev->registry)) ||
            !imageref_valid_repository(ev->repository) || !imageref_valid_tag(ev->tag) ||
            (ev->digest[0] && !imageref_valid_digest(ev->digest)) || !printable(ev->media_type) ||
            !printable(ev->event_id))
                return -EINVAL;
        return 0;
}

int event_parse(const char *body, size_t len, const char *format,
                const struct http_request *req, const char **detected,
                struct event_list *out)
{
        const struct format *f = NULL;
        char *form_json = NULL;
        json_t *root = NULL;
        size_t n_before;
        int r;

        /* GitHub's form content type: payload=<urlencoded JSON>.  The body's
         * start decides: clients such as curl label raw JSON as a form by
         * default, and redock parse FILE has no Content-Type at all. */
        if (len >= 8 && memcmp(body, "payload=", 8) == 0) {
                r = format_form_payload(body, len, &form_json, &len);
                if (r < 0)
                        return r;
                body = form_json;
        }
        /* bounded depth, duplicate keys refused: a payload with two "tag"
         * keys has no single meaning */
        root = format_json_load(body, len);
        if (!root) {
                r = -EBADMSG;
                goto out;
        }

        if (format && *format && strcmp(format, "auto") != 0) {
                f = format_find(format);
                if (!f) {
                        r = -EPROTONOSUPPORT;
                        goto out;
                }
        } else {
                for (size_t i = 0; formats[i] && !f; i++)
                        if (formats[i]->detect(root, req))
                                f = formats[i];
                if (!f) {
                        r = -EPROTONOSUPPORT;
                        goto out;
                }
        }
        if (detected)
                *detected = f->name;
        /* a payload is taken whole or not at all */
        n_before = out->n;
        r = f->parse(root, req, out);
        if (r < 0)
                out->n = n_before;
out:
        json_decref(root);
        free(form_json);
        return r;
}
