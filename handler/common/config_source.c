/* config_source: [source NAME], a webhook's sender: its secret (token,
 * token-file or token-credential), how it signs, where it may come from
 * and which registry host its events name. */
#include <limits.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"
#include "formats/formats.h"

/* A registry host as image references name it: a URL or a path there is
 * the usual mistake (the address copied from a browser or a login). */
static bool host_refused(struct parse_ctx *p, const char *key, const char *v)
{
        char host[REGISTRY_HOST_MAX];
        bool url = strstr(v, "://") != NULL;

        if (!url && !strchr(v, '/'))
                return false;
        if (format_url_host(v, host, sizeof(host)) < 0)
                snprintf(host, sizeof(host), "HOST[:PORT]");
        problem(p, p->line, "%s: '%s' %s; give the host only: %s", key, v, url ? "is a URL" : "has a path", host);
        return true;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An unknown format, with every name the table knows. */
static void unknown_format(struct parse_ctx *p, const char *v)
{
        const char *names[64];
        char list[1024];
        size_t n = 0, len = 0;

        for (size_t i = 0; formats[i] && n < sizeof(names) / sizeof(names[0]); i++)
                names[n++] = formats[i]->name;
        for (size_t i = 0; format_aliases[i].alias && n < sizeof(names) / sizeof(names[0]); i++)
                names[n++] = format_aliases[i].alias;
        qsort(names, n, sizeof(names[0]), cmp_str);
        list[0] = '\0';
        for (size_t i = 0; i < n && len < sizeof(list); i++) {
                int w = snprintf(list + len, sizeof(list) - len, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                                 names[i]);
                if (w < 0)
                        break;
                len += (size_t)w;
        }
        problem(p, p->line, "unknown format '%s': use auto, %s", v, list);
}

/* Signature schemes of registries that sign their webhooks. */
static const struct hmac_preset {
        const char *name, *header, *prefix;
        int bits;
} hmac_presets[] = {
        { "github",  "X-Hub-Signature-256",       "sha256=", 256 },
        { "gitea",   "X-Gitea-Signature",         "",        256 },
        { "forgejo", "X-Forgejo-Signature",       "",        256 },
        { "nexus",   "X-Nexus-Webhook-Signature", "",        1   },
        { "jfrog",   "X-JFrog-Event-Auth",        "",        256 },
};

static int set_auth(struct parse_ctx *p, struct source *s, const char *value)
{
        if (strcmp(value, "token") == 0) {
                s->auth = AUTH_TOKEN;
                return 0;
        }
        if (strcmp(value, "hmac") == 0) {
                s->auth = AUTH_HMAC;
                return 0;
        }
        for (size_t i = 0; i < sizeof(hmac_presets) / sizeof(hmac_presets[0]); i++) {
                const struct hmac_preset *h = &hmac_presets[i];
                if (strcmp(value, h->name) != 0)
                        continue;
                s->auth = AUTH_HMAC;
                s->hmac_bits = h->bits;
                s->hmac_base64 = false;
                if (set_str(&s->hmac_header, h->header) < 0 || set_str(&s->hmac_prefix, h->prefix) < 0)
                        return -ENOMEM;
                return 0;
        }
        problem(p, p->line, "auth must be token, hmac, github, gitea, forgejo, nexus or jfrog");
        return 0;
}

static int set_secret(struct parse_ctx *p, struct source *s, const char *path, const char *key)
{
        const char *why = NULL;
        char *secret = NULL;

        if (read_secret_file(path, &secret, &why) < 0) {
                problem(p, p->line, "%s %s: %s", key, path, why);
                return 0;
        }
        secret_free(s->token);
        s->token = secret;
        return set_str(&s->token_file, path);
}

/* Exactly one of token, token-file and token-credential gives the
 * secret: true when key may, else reported.  key is the table's string
 * (it outlives the parse).  A continuation line replaces the value. */
bool secret_key_once(struct parse_ctx *p, struct source *s, const char *key)
{
        if (s->token_key && !p->continuation) {
                problem(p, p->line, "%s: [source %s] already has %s (line %d); give exactly one of token, "
                        "token-file and token-credential", key, s->name, s->token_key, s->token_line);
                return false;
        }
        if (!s->token_key) {
                s->token_key = key;
                s->token_line = p->line;
        }
        return true;
}

int handle_source(struct parse_ctx *p, struct source *s,
                         const char *name, const char *value)
{
        int wr;

        if (strcmp(name, "auth") == 0)
                return set_auth(p, s, value);
        if (strcmp(name, "token-header") == 0)
                return set_str(&s->token_header, value);
        if (strcmp(name, "hmac-header") == 0)
                return set_str(&s->hmac_header, value);
        if (strcmp(name, "hmac-prefix") == 0)
                return set_str(&s->hmac_prefix, value);
        if (strcmp(name, "hmac-algorithm") == 0) {
                s->hmac_bits = strcmp(value, "sha1") == 0 ? 1 : strcmp(value, "sha256") == 0 ? 256 :
                               strcmp(value, "sha512") == 0 ? 512 : 0;
                if (!s->hmac_bits)
                        problem(p, p->line, "hmac-algorithm must be sha1, sha256 or sha512");
                return 0;
        }
        if (strcmp(name, "hmac-encoding") == 0) {
                if (strcmp(value, "hex") != 0 && strcmp(value, "base64") != 0)
                        problem(p, p->line, "hmac-encoding must be hex or base64");
                s->hmac_base64 = strcmp(value, "base64") == 0;
                return 0;
        }
        if (strcmp(name, "allow-from") == 0) {
                char **items = NULL;
                size_t n = 0;
                int r = split_list(value, &items, &n);
                for (size_t i = 0; r == 0 && i < n; i++) {
                        struct cidr *a = reallocarray(s->allow, s->n_allow + 1, sizeof(*a));
                        if (!a) {
                                r = -ENOMEM;
                                break;
                        }
                        s->allow = a;
                        if (cidr_parse(items[i], &a[s->n_allow]) < 0)
                                problem(p, p->line, "allow-from: '%s' is not an address or CIDR range", items[i]);
                        else
                                s->n_allow++;
                }
                for (size_t i = 0; i < n; i++)
                        free(items[i]);
                free(items);
                return r;
        }
        if (strcmp(name, "match-host") == 0) {
                if (strcmp(value, "exact") != 0 && strcmp(value, "any") != 0)
                        problem(p, p->line, "match-host must be exact or any");
                s->match_any_host = strcmp(value, "any") == 0;
                return 0;
        }
        if (strcmp(name, "token-credential") == 0) {
                /* systemd's LoadCredential=: $CREDENTIALS_DIRECTORY/NAME */
                const char *dir = getenv("CREDENTIALS_DIRECTORY");
                char path[PATH_MAX];
                if (!secret_key_once(p, s, "token-credential"))
                        return 0;
                if (!dir || strchr(value, '/')) {
                        problem(p, p->line, "token-credential needs $CREDENTIALS_DIRECTORY (LoadCredential=) and a plain name");
                        return 0;
                }
                snprintf(path, sizeof(path), "%s/%s", dir, value);
                s->token_from_credential = true;
                return set_secret(p, s, path, name);
        }
        if (strcmp(name, "token") == 0) {
                if (!secret_key_once(p, s, "token"))
                        return 0;
                if (!*value || strlen(value) > SECRET_MAX) {
                        problem(p, p->line, "token must be 1..%d characters", SECRET_MAX);
                        return 0;
                }
                secret_free(s->token);
                s->token_from_credential = false;
                s->token = strdup(value);
                return s->token ? 0 : -ENOMEM;
        }
        if (strcmp(name, "token-file") == 0) {
                if (!secret_key_once(p, s, "token-file"))
                        return 0;
                s->token_from_credential = false;
                return set_secret(p, s, value, name);
        }
        if (strcmp(name, "registry") == 0) {
                if (host_refused(p, name, value))
                        return 0;
                return set_str(&s->registry, value);
        }
        if (strcmp(name, "aliases") == 0) {
                size_t before = s->n_aliases;
                int r = split_list(value, &s->aliases, &s->n_aliases);
                for (size_t i = before; r == 0 && i < s->n_aliases; i++)
                        host_refused(p, name, s->aliases[i]);
                return r;
        }
        if (strcmp(name, "format") == 0) {
                if (strcmp(value, "auto") != 0 && !format_find(value))
                        unknown_format(p, value);
                return set_str(&s->format, value);
        }
        if (strcmp(name, "approve") == 0) {
                bool yes = false;

                parse_bool(p, value, &yes);
                s->approve = yes ? 1 : 0;
                return 0;
        }
        wr = handle_when(p, &s->when, name, value);
        if (wr != 0)
                return wr < 0 ? wr : 0;
        unknown_key(p, name, source_keys);
        return 0;
}

struct source *find_or_add_source(struct parse_ctx *p, const char *name)
{
        struct config *c = p->cfg;
        struct source *s;

        /* the section we are in, or a second one with the same name */
        if (c->n_sources && strcmp(c->sources[c->n_sources - 1].name, name) == 0 &&
            c->sources[c->n_sources - 1].line == p->section_line)
                return &c->sources[c->n_sources - 1];
        for (size_t i = 0; i < c->n_sources; i++)
                if (strcmp(c->sources[i].name, name) == 0) {
                        section_problem(p, "source '%s' defined twice (first at line %d)",
                                        name, c->sources[i].line);
                        return NULL;
                }
        s = reallocarray(c->sources, c->n_sources + 1, sizeof(*s));
        if (!s)
                return NULL;
        c->sources = s;
        s = &c->sources[c->n_sources++];
        memset(s, 0, sizeof(*s));
        s->name = strdup(name);
        s->line = p->section_line;
        s->approve = -1;
        s->hmac_bits = 256;
        return s;
}

/* What a source lacks, once the whole file is read. */
void check_sources(struct parse_ctx *p)
{
        const struct config *cfg = p->cfg;

        for (size_t i = 0; i < cfg->n_sources; i++) {
                const struct source *s = &cfg->sources[i];
                /* a token key that was refused has said what is wrong */
                if (!s->token_key)
                        problem(p, s->line, "source '%s' has no token, token-file or token-credential", s->name);
                if (s->auth == AUTH_HMAC && !s->hmac_header)
                        problem(p, s->line, "source '%s' uses auth = hmac but sets no hmac-header", s->name);
        }
}

void free_sources(struct config *cfg)
{
        for (size_t i = 0; i < cfg->n_sources; i++) {
                struct source *s = &cfg->sources[i];
                free(s->name);
                secret_free(s->token);
                free(s->token_file);
                free(s->registry);
                for (size_t j = 0; j < s->n_aliases; j++)
                        free(s->aliases[j]);
                free(s->aliases);
                free(s->format);
                free(s->token_header);
                free(s->hmac_header);
                free(s->hmac_prefix);
                free(s->allow);
                free(s->when.min_age_text);
                free(s->when.window_text);
        }
        free(cfg->sources);
}
