/* config_registry: [registry HOST], credentials for pulls from HOST and
 * how redock's own client (redock poll) reaches it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_parse.h"
#include "imageref.h"

struct registry_cred *find_or_add_cred(struct parse_ctx *p, const char *host)
{
        struct config *c = p->cfg;
        struct registry_cred *r;

        if (c->n_creds && strcmp(c->creds[c->n_creds - 1].host, host) == 0 &&
            c->creds[c->n_creds - 1].line == p->section_line)
                return &c->creds[c->n_creds - 1];
        for (size_t i = 0; i < c->n_creds; i++)
                if (strcmp(c->creds[i].host, host) == 0) {
                        section_problem(p, "registry '%s' defined twice (first at line %d)",
                                        host, c->creds[i].line);
                        return NULL;
                }
        r = reallocarray(c->creds, c->n_creds + 1, sizeof(*r));
        if (!r)
                return NULL;
        c->creds = r;
        r = &c->creds[c->n_creds++];
        memset(r, 0, sizeof(*r));
        r->host = strdup(host);
        r->line = p->section_line;
        return r;
}

int handle_registry(struct parse_ctx *p, struct registry_cred *r,
                           const char *name, const char *value)
{
        if (strcmp(name, "username") == 0)
                return set_str(&r->username, value);
        if (strcmp(name, "password") == 0) {
                secret_free(r->password);
                r->password = strdup(value);
                return r->password ? 0 : -ENOMEM;
        }
        if (strcmp(name, "password-file") == 0) {
                const char *why = NULL;
                char *secret = NULL;
                if (read_secret_file(value, &secret, &why) < 0) {
                        problem(p, p->line, "password-file %s: %s", value, why);
                        return 0;
                }
                secret_free(r->password);
                r->password = secret;
                return 0;
        }
        if (strcmp(name, "ca-file") == 0) {
                if (value[0] != '/') {
                        problem(p, p->line, "ca-file wants an absolute path, not '%s'", value);
                        return 0;
                }
                if (access(value, R_OK) < 0) {
                        problem(p, p->line, "ca-file %s: %s", value, strerror(errno));
                        return 0;
                }
                return set_str(&r->ca_file, value);
        }
        if (strcmp(name, "mirror") == 0) {
                if (!imageref_valid_host(value)) {
                        problem(p, p->line, "mirror wants a registry host (HOST[:PORT]), not '%s'", value);
                        return 0;
                }
                return set_str(&r->mirror, value);
        }
        unknown_key(p, name, registry_keys);
        return 0;
}

/* A section needs credentials unless it is there for ca-file or mirror
 * alone; checked once the whole file is read. */
void check_creds(struct parse_ctx *p)
{
        const struct config *cfg = p->cfg;

        for (size_t i = 0; i < cfg->n_creds; i++) {
                const struct registry_cred *rc = &cfg->creds[i];
                char section[REGISTRY_HOST_MAX + 16];

                /* a key given but refused has said what is wrong */
                snprintf(section, sizeof(section), "registry %s", rc->host);
                bool user = rc->username || key_given(p, section, "username");
                bool pass = rc->password || key_given(p, section, "password") ||
                            key_given(p, section, "password-file");
                bool other = key_given(p, section, "ca-file") || key_given(p, section, "mirror");

                /* a section for ca-file or mirror alone needs no credentials */
                if (user != pass || (!user && !other))
                        problem(p, rc->line, "registry '%s' needs username and password (or password-file)", rc->host);
        }
}

void free_creds(struct config *cfg)
{
        for (size_t i = 0; i < cfg->n_creds; i++) {
                free(cfg->creds[i].host);
                free(cfg->creds[i].username);
                free(cfg->creds[i].ca_file);
                free(cfg->creds[i].mirror);
                secret_free(cfg->creds[i].password);
        }
        free(cfg->creds);
}
