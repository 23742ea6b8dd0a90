/* The format table and helpers shared by the parsers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

/* Detection order: formats recognised by a header or a distinctive field
 * first, the generic Distribution envelope last. */
const struct format *const formats[] = {
        &format_distribution,
        NULL,
};

const struct format *format_find(const char *name)
{
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

int split_host_repo(const char *ref, char *host, size_t host_len,
                    char *repo, size_t repo_len)
{
        const char *slash = strchr(ref, '/');
        size_t hn;

        if (!slash)
                return -EINVAL;
        hn = (size_t)(slash - ref);
        /* "team/app" has no host; "127.0.0.1:5000/app" and "ghcr.io/x" do */
        if (!(memchr(ref, '.', hn) || memchr(ref, ':', hn) ||
              (hn == 9 && strncmp(ref, "localhost", 9) == 0)))
                return -EINVAL;
        if (hn == 0 || hn >= host_len || strlen(slash + 1) >= repo_len ||
            slash[1] == '\0')
                return -EINVAL;
        memcpy(host, ref, hn);
        host[hn] = '\0';
        strcpy(repo, slash + 1);
        return 0;
}
