/* Fuzz the configuration parser (handler/common/config.c, libinih).
 *
 * Input: the text of a configuration file, loaded from a memfd through
 * /proc/self/fd/N.  A configuration that loads must be complete: every
 * source named, with a secret and a format, and findable by its name.
 * The webhook's loader (config_load_for_hook) checks a part of what
 * config_load checks: what one accepts, the other accepts, with the same
 * sources and notifiers. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

static FILE *devnull;

/* config_load_for_hook on the same text; full is config_load's result,
 * NULL when it refused the text */
static void check_hook(const char *path, const struct config *full)
{
        struct config h;
        int r = config_load_for_hook(path, &h, devnull);

        if (r != 0) {
                FUZZ_ASSERT(r > 0 && !full);
                FUZZ_ASSERT(h.n_sources == 0 && h.sources == NULL);
                return;
        }
        FUZZ_ASSERT(h.path && h.docker_host && h.queue_dir && h.state_dir);
        for (size_t i = 0; i < h.n_sources; i++)
                FUZZ_ASSERT(h.sources[i].token && h.sources[i].format && h.sources[i].registry);
        if (full) {
                FUZZ_ASSERT(h.n_sources == full->n_sources && h.n_notifiers == full->n_notifiers);
                for (size_t i = 0; i < h.n_sources; i++)
                        FUZZ_ASSERT(!strcmp(h.sources[i].token, full->sources[i].token));
        }
        config_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct config cfg;
        char path[64];
        int r;

        if (!devnull)
                devnull = fopen("/dev/null", "w");
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fuzz_memfd(data, size));
        r = config_load(path, &cfg, devnull);
        if (r != 0) {
                FUZZ_ASSERT(r > 0);     /* the memfd is always readable */
                FUZZ_ASSERT(cfg.n_sources == 0 && cfg.sources == NULL);
                check_hook(path, NULL);
                return 0;
        }
        check_hook(path, &cfg);
        FUZZ_ASSERT(cfg.path && cfg.docker_host && cfg.queue_dir && cfg.state_dir);
        for (size_t i = 0; i < cfg.n_sources; i++) {
                const struct source *s = &cfg.sources[i];
                FUZZ_ASSERT(s->name && source_name_valid(s->name));
                FUZZ_ASSERT(s->token && s->token[0]);
                FUZZ_ASSERT(s->format && s->registry);
                FUZZ_ASSERT(s->auth != AUTH_HMAC || s->hmac_header);
                FUZZ_ASSERT(config_source(&cfg, s->name) == s);
        }
        for (size_t i = 0; i < cfg.n_creds; i++)
                FUZZ_ASSERT(cfg.creds[i].host && cfg.creds[i].username && cfg.creds[i].password);
        /* a notifier that loads can be sent to: its type and target */
        for (size_t i = 0; i < cfg.n_notifiers; i++) {
                const struct notifier *nt = &cfg.notifiers[i];
                FUZZ_ASSERT(nt->name && source_name_valid(nt->name) && nt->type_set);
                FUZZ_ASSERT(config_notifier(&cfg, nt->name) == nt);
                FUZZ_ASSERT(nt->events && nt->timeout_ms >= 1000);
                if (nt->type == NOTIFY_EMAIL)
                        FUZZ_ASSERT(nt->smtp_url && nt->from && nt->n_to && !nt->url);
                else
                        FUZZ_ASSERT(nt->url && (!strncmp(nt->url, "http://", 7) || !strncmp(nt->url, "https://", 8)));
                FUZZ_ASSERT(nt->type != NOTIFY_GOTIFY || nt->token);
        }
        config_free(&cfg);
        return 0;
}
