/* config_api: [api], the operator API's secrets (redock api) and how
 * long a change waits for approval. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_parse.h"
#include "duration.h"

/* [api]: the operator API's two secrets (redock api), each given once,
 * literally or from a file. */
int handle_api(struct parse_ctx *p, struct config *cfg, const char *name, const char *value)
{
        bool read = strncmp(name, "read-", 5) == 0;
        bool file = strstr(name, "-file") != NULL;
        char **slot = read ? &cfg->api_read_token : &cfg->api_token;
        bool *unread = read ? &p->api_read_token_unread : &p->api_token_unread;
        const char *why = NULL;
        char *secret = NULL;

        if (!key_in(api_keys, name)) {
                unknown_key(p, name, api_keys);
                return 0;
        }
        if (strcmp(name, "pending-expire") == 0) {
                long long secs;

                if (duration_parse(value, &secs) < 0 || secs == 0)
                        problem(p, p->line, "pending-expire wants a duration (12h, 7d, 2w), not '%s'", value);
                else
                        cfg->api_pending_expire = secs;
                return 0;
        }
        if (*slot || *unread) {
                problem(p, p->line, "%s: [api] has its %s already; give one of %s and %s-file", name,
                        read ? "read-token" : "token", read ? "read-token" : "token", read ? "read-token" : "token");
                return 0;
        }
        if (!file) {
                if (!*value || strlen(value) > SECRET_MAX) {
                        problem(p, p->line, "%s must be 1..%d characters", name, SECRET_MAX);
                        return 0;
                }
                *slot = strdup(value);
                return *slot ? 0 : -ENOMEM;
        }
        if (p->hook) {
                /* the webhook never answers the API: it leaves the file
                 * alone, and knows only that the secret was given */
                *unread = true;
                return 0;
        }
        if (read_secret_file(value, &secret, &why) < 0) {
                problem(p, p->line, "%s %s: %s", name, value, why);
                return 0;
        }
        *slot = secret;
        return 0;
}
