/* The format table and helpers shared by the parsers. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../hex.h"
#include "../strutil.h"
#include "formats.h"

/* Detection order: formats recognised by a header or a distinctive field
 * first, the generic Distribution envelope last.  Gitea comes before
 * GitHub because Gitea also sends X-GitHub-Event; zot before everything
 * because its body alone (name, reference) says little. */
const struct format *const formats[] = {
        &format_zot,
        &format_gitea,
        &format_github,
        &format_nexus,
        &format_harbor_cloudevents,
        &format_harbor,
        &format_ecr,
        &format_gar,
        &format_jfrog,
        &format_dockerhub,
        &format_quay,
        &format_acr,
        &format_distribution,
        NULL,
};

/* Other names for a format: what a registry's users call the format it
 * sends.  GitLab's container registry is Distribution, and sends its
 * notifications. */
const struct format_alias format_aliases[] = {
        { "gitlab", "distribution" },
        { NULL, NULL },
};

const struct format *format_find(const char *name)
{
        for (size_t i = 0; format_aliases[i].alias; i++)
                if (strcmp(format_aliases[i].alias, name) == 0)
                        name = format_aliases[i].name;
        for (size_t i = 0; formats[i]; i++)
                if (strcmp(formats[i]->name, name) == 0)
                        return formats[i];
        return NULL;
}

const char *json_path_str(const json_t *root, const char *dotted)
{
        char key[128];
        const json_t *cur = root;
        const char *p = dotted;

        while (cur && *p) {
                size_t n = strcspn(p, ".");
                if (n >= sizeof(key))
                        return NULL;
                memcpy(key, p, n);
                key[n] = '\0';
                cur = json_object_get(cur, key);
                p += n;
                if (*p == '.')
                        p++;
        }
        return json_is_string(cur) ? json_string_value(cur) : NULL;
}

const char *format_header(const struct http_request *req, const char *name)
{
        return req ? http_header(req, name) : NULL;
}

/* jansson nests up to 2048 levels; count brackets outside strings first
 * so nested JSON cannot make the parser recurse that far either. */
static bool depth_ok(const char *s, size_t len, int max)
{
        int depth = 0;
        bool in_str = false;

        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (in_str) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_str = false;
                } else if (c == '"') {
                        in_str = true;
                } else if (c == '{' || c == '[') {
                        if (++depth > max)
                                return false;
                } else if (c == '}' || c == ']') {
                        depth--;
                }
        }
        return true;
}

json_t *format_json_load(const char *buf, size_t len)
{
        json_error_t jerr;

        if (!depth_ok(buf, len, JSON_MAX_DEPTH))
                return NULL;
        return json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
}

bool format_tag_wanted(const char *tag)
{
        /* no tag contains ':', every digest does ("sha256:...") */
        return tag && *tag && !strchr(tag, ':');
}

bool format_manifest_type(const char *mt)
{
        return !mt || strstr(mt, "manifest") || strstr(mt, "image.index");
}

int format_add(struct event_list *out, const char *registry,
               const char *repository, const char *tag, const char *digest,
               const char *media_type, const char *event_id)
{
        struct push_event ev;

        if (!format_tag_wanted(tag))
                return 0;
        if (push_event_set(&ev, registry, repository, tag, digest,
                           media_type, event_id) < 0 &&
            push_event_set(&ev, registry, repository, tag, digest,
                           NULL, NULL) < 0)
                return -EBADMSG;
        return event_list_add(out, &ev);
}

int format_lower(char *dst, size_t size, const char *src)
{
        size_t n = strlen(src);

        if (n >= size)
                return -EINVAL;
        for (size_t i = 0; i <= n; i++)
                dst[i] = (char)tolower((unsigned char)src[i]);
        return 0;
}

int format_url_host(const char *url, char *host, size_t size)
{
        const char *p = strstr(url, "://");
        const char *end, *at;
        size_t n;

        p = p ? p + 3 : url;
        end = p + strcspn(p, "/?#");
        at = memchr(p, '@', (size_t)(end - p));
        if (at)
                p = at + 1;
        n = (size_t)(end - p);
        if (n == 0 || n >= size)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                host[i] = (char)tolower((unsigned char)p[i]);
        host[n] = '\0';
        return 0;
}

int format_ref_split(const char *ref, struct format_ref *out)
{
        const char *slash = strchr(ref, '/');
        const char *name, *at, *last, *colon;
        size_t name_len;

        memset(out, 0, sizeof(*out));
        if (!slash || slash == ref)
                return -EINVAL;
        name = slash + 1;
        at = strchr(name, '@');
        name_len = at ? (size_t)(at - name) : strlen(name);
        /* the tag is after a ':' in the last path component */
        last = memrchr(name, '/', name_len);
        last = last ? last + 1 : name;
        colon = memchr(last, ':', name_len - (size_t)(last - name));
        if (str_copy_n(out->host, sizeof(out->host), ref, (size_t)(slash - ref)) < 0 ||
            (at && str_copy_n(out->digest, sizeof(out->digest), at + 1, strlen(at + 1)) < 0))
                return -EINVAL;
        if (colon) {
                if (str_copy_n(out->tag, sizeof(out->tag), colon + 1,
                           name_len - (size_t)(colon + 1 - name)) < 0)
                        return -EINVAL;
                name_len = (size_t)(colon - name);
        }
        if (name_len == 0)
                return -EINVAL;
        return str_copy_n(out->repository, sizeof(out->repository), name, name_len);
}


int format_form_payload(const char *body, size_t len, char **json,
                        size_t *json_len)
{
        const char *p = body, *end = body + len;
        const char *val = NULL, *val_end = NULL;
        char *buf;
        size_t n = 0;

        /* the payload field among the &-separated ones */
        while (p < end && !val) {
                const char *amp = memchr(p, '&', (size_t)(end - p));
                const char *field_end = amp ? amp : end;
                if (field_end - p >= 8 && memcmp(p, "payload=", 8) == 0) {
                        val = p + 8;
                        val_end = field_end;
                }
                p = amp ? amp + 1 : end;
        }
        if (!val)
                return -EBADMSG;

        /* decoding only ever shrinks the text */
        buf = malloc((size_t)(val_end - val) + 1);
        if (!buf)
                return -ENOMEM;
        for (p = val; p < val_end; p++) {
                char c = *p;
                if (c == '+') {
                        c = ' ';
                } else if (c == '%') {
                        int hi, lo;
                        if (val_end - p < 3 || (hi = hex_value(p[1])) < 0 ||
                            (lo = hex_value(p[2])) < 0)
                                goto bad;
                        c = (char)(hi << 4 | lo);
                        p += 2;
                }
                if (c == '\0')
                        goto bad;
                buf[n++] = c;
        }
        buf[n] = '\0';
        *json = buf;
        *json_len = n;
        return 0;
bad:
        free(buf);
        return -EBADMSG;
}
