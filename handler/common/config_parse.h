/* config_parse: what config.c and its section modules share while one
 * file is parsed.  Private to handler/common/config*.c: everything else
 * sees only config.h.
 *
 * config.c reads the file (inih), keeps the key lists and routes each key
 * to its section's handler; config_source.c, config_registry.c,
 * config_api.c and config_notify.c each parse and check one kind of
 * section; config_value.c holds the value parsers they share. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ini.h>

#include "bounds.h"
#include "config.h"

/* A key met in a section, to find it given twice. */
struct seen_key {
        char *section, *key;
        int line;
};

struct parse_ctx {
        struct config *cfg;
        FILE *in;
        FILE *errs;
        const char *path;
        int line;               /* counted by our reader */
        int section_line;       /* where the current [section] starts */
        int section_reported;   /* the section_line of the last section_problem() */
        bool key_seen;          /* a key since that line (inih's continuation rule) */
        bool continuation;      /* this line continues the last key's value */
        bool header_open;       /* a [section] header was read: header holds its name */
        char header[INI_MAX_LINE];
        const char *section;    /* the section of the key at hand */
        struct seen_key *seen;  /* the keys met so far, in every section */
        size_t n_seen;
        int problems;
        /* config_load_for_hook: the files of sections the webhook never
         * uses ([api], [notify NAME]) are not opened; their keys are
         * still parsed and checked */
        bool hook;
        bool api_token_unread, api_read_token_unread;   /* a *-file the hook did not read */
        int notify_url_unread;  /* the line of the [notify NAME] whose url-file it did not read */
};

/* config.c: problems, and what is known of keys */
void problem(struct parse_ctx *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* a problem with the [section] itself: once, at its header line */
void section_problem(struct parse_ctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* an unknown key, with the nearest of keys or the section it belongs in */
void unknown_key(struct parse_ctx *p, const char *name, const char *const *keys);
bool key_in(const char *const *keys, const char *name);
/* whether section had key, taken or refused */
bool key_given(const struct parse_ctx *p, const char *section, const char *key);

/* config.c: each section's keys */
extern const char *const source_keys[];
extern const char *const registry_keys[];
extern const char *const api_keys[];
extern const char *const notify_keys[];

/* config_value.c: values.  The set_* and parse_bool report a bad value
 * as a problem and leave *out as it was; they return 0 or -ENOMEM. */
void secret_free(char *s);
/* a secret file: a regular file only its owner can read, one line */
int read_secret_file(const char *path, char **out, const char **why);
int parse_int(const char *v, int min, int max, int *out);
int set_str(char **dst, const char *v);
int set_seconds(struct parse_ctx *p, const char *key, const char *v, int min, int max, int unit, int *out);
int set_bytes(struct parse_ctx *p, const char *key, const char *v, long long min, long long max,
              long long *out);
int split_list(const char *v, char ***out, size_t *n);
int parse_bool(struct parse_ctx *p, const char *v, bool *out);
/* min-age and window: 1 when name was one of them, 0 when not, -errno */
int handle_when(struct parse_ctx *p, struct deploy_when *w, const char *name, const char *value);

/* config_source.c: [source NAME] */
struct source *find_or_add_source(struct parse_ctx *p, const char *name);
int handle_source(struct parse_ctx *p, struct source *s, const char *name, const char *value);
bool secret_key_once(struct parse_ctx *p, struct source *s, const char *key);
void check_sources(struct parse_ctx *p);
void free_sources(struct config *cfg);

/* config_registry.c: [registry HOST] */
struct registry_cred *find_or_add_cred(struct parse_ctx *p, const char *host);
int handle_registry(struct parse_ctx *p, struct registry_cred *r, const char *name, const char *value);
void check_creds(struct parse_ctx *p);
void free_creds(struct config *cfg);

/* config_api.c: [api] */
int handle_api(struct parse_ctx *p, struct config *cfg, const char *name, const char *value);

/* config_notify.c: [notify NAME] */
struct notifier *find_or_add_notifier(struct parse_ctx *p, const char *name);
int handle_notify(struct parse_ctx *p, struct notifier *nt, const char *name, const char *value);
void check_notifiers(struct parse_ctx *p);
void free_notifiers(struct config *cfg);
