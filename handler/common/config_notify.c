/* config_notify: [notify NAME], where messages about outcomes go
 * (engine/notify.c): the type, its url or server, its secrets, and
 * which events, sources and containers it wants. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_parse.h"
#include "strutil.h"

static const struct {
        const char *name;
        enum notify_type type;
} notify_types[] = {
        { "slack", NOTIFY_SLACK }, { "teams", NOTIFY_TEAMS }, { "webhook", NOTIFY_WEBHOOK },
        { "ntfy", NOTIFY_NTFY }, { "gotify", NOTIFY_GOTIFY }, { "email", NOTIFY_EMAIL },
};

static const char *const notify_event_names[] = {
        "updated", "rolled-back", "failed", "found", "pending", "poll-error",
};

const char *notify_event_name(unsigned ev)
{
        for (size_t i = 0; i < sizeof(notify_event_names) / sizeof(notify_event_names[0]); i++)
                if (ev == 1u << i)
                        return notify_event_names[i];
        return NULL;
}

/* A secret from a file into *dst (the old one wiped); a problem when the
 * file will not do.  The webhook sends no message: it leaves the file
 * alone (config_load_for_hook). */
static int set_secret_file(struct parse_ctx *p, const char *key, const char *path, char **dst)
{
        const char *why = NULL;
        char *secret = NULL;

        if (p->hook)
                return 0;
        if (read_secret_file(path, &secret, &why) < 0) {
                problem(p, p->line, "%s %s: %s", key, path, why);
                return 0;
        }
        secret_free(*dst);
        *dst = secret;
        return 0;
}

static bool http_url(const char *v)
{
        return (!strncmp(v, "http://", 7) && v[7]) || (!strncmp(v, "https://", 8) && v[8]);
}

static int set_list(char ***list, size_t *n, const char *v)
{
        for (size_t i = 0; i < *n; i++)
                free((*list)[i]);
        free(*list);
        *list = NULL;
        *n = 0;
        return split_list(v, list, n);
}

int handle_notify(struct parse_ctx *p, struct notifier *nt, const char *name, const char *value)
{
        if (strcmp(name, "type") == 0) {
                for (size_t i = 0; i < sizeof(notify_types) / sizeof(notify_types[0]); i++)
                        if (strcmp(value, notify_types[i].name) == 0) {
                                nt->type = notify_types[i].type;
                                nt->type_set = true;
                                return 0;
                        }
                problem(p, p->line, "type must be slack, teams, webhook, ntfy, gotify or email");
                return 0;
        }
        if (strcmp(name, "url") == 0 || strcmp(name, "url-file") == 0) {
                bool file = name[3] == '-';
                int r;

                if ((nt->url || p->notify_url_unread == nt->line) && !p->continuation) {
                        problem(p, p->line, "%s: [notify %s] has its url already; give one of url and url-file",
                                name, nt->name);
                        return 0;
                }
                r = file ? set_secret_file(p, name, value, &nt->url) : set_str(&nt->url, value);
                if (file && p->hook)
                        p->notify_url_unread = nt->line;
                if (r == 0 && nt->url && !http_url(nt->url)) {
                        /* the file's text is a secret: not shown */
                        if (file)
                                problem(p, p->line, "url-file %s: want one line http://... or https://...", value);
                        else
                                problem(p, p->line, "url must be http://... or https://...");
                }
                return r;
        }
        if (strcmp(name, "events") == 0) {
                char **words = NULL;
                size_t n = 0;
                int r = split_list(value, &words, &n);

                nt->events = 0;
                for (size_t i = 0; r == 0 && i < n; i++) {
                        size_t k = 0;

                        while (k < sizeof(notify_event_names) / sizeof(notify_event_names[0]) &&
                               strcmp(words[i], notify_event_names[k]) != 0)
                                k++;
                        if (k < sizeof(notify_event_names) / sizeof(notify_event_names[0]))
                                nt->events |= 1u << k;
                        else
                                problem(p, p->line, "events: unknown event '%s' (use updated, rolled-back, failed, "
                                        "found, pending, poll-error)", words[i]);
                }
                for (size_t i = 0; i < n; i++)
                        free(words[i]);
                free(words);
                if (r == 0 && n == 0)
                        problem(p, p->line, "events: name at least one event (leave the key out for all)");
                return r;
        }
        if (strcmp(name, "sources") == 0)
                return set_list(&nt->sources, &nt->n_sources, value);
        if (strcmp(name, "containers") == 0)
                return set_list(&nt->containers, &nt->n_containers, value);
        if (strcmp(name, "to") == 0) {
                int r = set_list(&nt->to, &nt->n_to, value);
                for (size_t i = 0; r == 0 && i < nt->n_to; i++)
                        if (!strchr(nt->to[i], '@') || strpbrk(nt->to[i], "<>\r\n"))
                                problem(p, p->line, "to: '%s' is not an e-mail address", nt->to[i]);
                return r;
        }
        if (strcmp(name, "from") == 0) {
                if (!strchr(value, '@') || strpbrk(value, "<>\r\n"))
                        problem(p, p->line, "from: '%s' is not an e-mail address", value);
                return set_str(&nt->from, value);
        }
        if (strcmp(name, "secret-file") == 0)
                return set_secret_file(p, name, value, &nt->secret);
        if (strcmp(name, "token-file") == 0)
                return set_secret_file(p, name, value, &nt->token);
        if (strcmp(name, "password-file") == 0)
                return set_secret_file(p, name, value, &nt->password);
        if (strcmp(name, "username") == 0)
                return set_str(&nt->username, value);
        if (strcmp(name, "smtp-url") == 0) {
                if ((strncmp(value, "smtp://", 7) != 0 || !value[7]) && (strncmp(value, "smtps://", 8) != 0 || !value[8]))
                        problem(p, p->line, "smtp-url must be smtp://HOST[:PORT] (STARTTLS) or smtps://HOST[:PORT]");
                return set_str(&nt->smtp_url, value);
        }
        if (strcmp(name, "starttls") == 0)
                return parse_bool(p, value, &nt->starttls);
        if (strcmp(name, "ca-file") == 0) {
                if (!p->hook && access(value, R_OK) < 0)
                        problem(p, p->line, "ca-file %s: %s", value, strerror(errno));
                return set_str(&nt->ca_file, value);
        }
        if (strcmp(name, "timeout") == 0)
                return set_seconds(p, name, value, 1, 60, 1000, &nt->timeout_ms);
        unknown_key(p, name, notify_keys);
        return 0;
}

struct notifier *find_or_add_notifier(struct parse_ctx *p, const char *name)
{
        struct config *c = p->cfg;
        struct notifier *nt;

        if (c->n_notifiers && strcmp(c->notifiers[c->n_notifiers - 1].name, name) == 0 &&
            c->notifiers[c->n_notifiers - 1].line == p->section_line)
                return &c->notifiers[c->n_notifiers - 1];
        for (size_t i = 0; i < c->n_notifiers; i++)
                if (strcmp(c->notifiers[i].name, name) == 0) {
                        section_problem(p, "notify '%s' defined twice (first at line %d)",
                                        name, c->notifiers[i].line);
                        return NULL;
                }
        nt = reallocarray(c->notifiers, c->n_notifiers + 1, sizeof(*nt));
        if (!nt)
                return NULL;
        c->notifiers = nt;
        nt = &c->notifiers[c->n_notifiers];
        memset(nt, 0, sizeof(*nt));
        nt->name = strdup(name);
        if (!nt->name)
                return NULL;
        c->n_notifiers++;
        nt->line = p->section_line;
        nt->events = NOTIFY_EV_ALL;
        nt->starttls = true;
        nt->timeout_ms = 5000;
        return nt;
}

/* Each type's keys: what it needs, and what it cannot use (a key of
 * another type is a mistake worth saying). */
static void check_notifier(struct parse_ctx *p, const struct notifier *nt)
{
        char section[SOURCE_NAME_MAX + 16];
        bool email = nt->type == NOTIFY_EMAIL;
        static const char *const email_only[] = { "smtp-url", "username", "password-file", "from", "to", "starttls" };

        snprintf(section, sizeof(section), "notify %s", nt->name);
        if (!nt->type_set) {
                if (!key_given(p, section, "type"))
                        problem(p, nt->line, "notify '%s' has no type (slack, teams, webhook, ntfy, gotify or email)",
                                nt->name);
                return;
        }
        if (!email && !nt->url && !key_given(p, section, "url") && !key_given(p, section, "url-file"))
                problem(p, nt->line, "notify '%s' has no url or url-file", nt->name);
        if (email) {
                if (key_given(p, section, "url") || key_given(p, section, "url-file"))
                        problem(p, nt->line, "notify '%s': type email takes smtp-url, not url", nt->name);
                if (!nt->smtp_url && !key_given(p, section, "smtp-url"))
                        problem(p, nt->line, "notify '%s' (email) has no smtp-url", nt->name);
                if (!nt->from && !key_given(p, section, "from"))
                        problem(p, nt->line, "notify '%s' (email) has no from", nt->name);
                if (!nt->n_to && !key_given(p, section, "to"))
                        problem(p, nt->line, "notify '%s' (email) has no to", nt->name);
                if (key_given(p, section, "password-file") && !nt->username && !key_given(p, section, "username"))
                        problem(p, nt->line, "notify '%s': password-file without username", nt->name);
        } else {
                for (size_t i = 0; i < sizeof(email_only) / sizeof(email_only[0]); i++)
                        if (key_given(p, section, email_only[i]))
                                problem(p, nt->line, "notify '%s': %s is for type email only", nt->name, email_only[i]);
        }
        if (nt->type != NOTIFY_WEBHOOK && key_given(p, section, "secret-file"))
                problem(p, nt->line, "notify '%s': secret-file is for type webhook only", nt->name);
        if (nt->type != NOTIFY_NTFY && nt->type != NOTIFY_GOTIFY && key_given(p, section, "token-file"))
                problem(p, nt->line, "notify '%s': token-file is for types ntfy and gotify only", nt->name);
        if (nt->type == NOTIFY_GOTIFY && !nt->token && !key_given(p, section, "token-file"))
                problem(p, nt->line, "notify '%s' (gotify) has no token-file (an application token)", nt->name);
}

void check_notifiers(struct parse_ctx *p)
{
        for (size_t i = 0; i < p->cfg->n_notifiers; i++)
                check_notifier(p, &p->cfg->notifiers[i]);
}

void free_notifiers(struct config *cfg)
{
        for (size_t i = 0; i < cfg->n_notifiers; i++) {
                struct notifier *nt = &cfg->notifiers[i];
                free(nt->name);
                secret_free(nt->url);
                secret_free(nt->secret);
                secret_free(nt->token);
                secret_free(nt->password);
                free(nt->smtp_url);
                free(nt->username);
                free(nt->from);
                free(nt->ca_file);
                strv_free(nt->to, nt->n_to);
                strv_free(nt->sources, nt->n_sources);
                strv_free(nt->containers, nt->n_containers);
        }
        free(cfg->notifiers);
}
