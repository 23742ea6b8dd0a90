/* config: the INI configuration file (libinih).
 *
 * Each process loads the configuration once and passes it by pointer;
 * nothing changes it afterwards (the split-mode flag is set before any
 * request is routed). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH   "/etc/redock/redock.conf"
#define DOCKER_DEFAULT_HOST   "unix:///run/docker.sock"
#define INBOX_DEFAULT_DIR     "/var/spool/redock/inbox"
/* A job is well under 1 KiB and a drain takes them within seconds: only
 * a flood, or a drain that has stopped, gets there. */
#define INBOX_MAX_JOBS_DEFAULT  10000
#define INBOX_MAX_BYTES_DEFAULT (64LL * 1024 * 1024)

#include "cidr.h"
#include "window.h"

/* min-age and window, in [redock] and [source NAME]: when a change may
 * be deployed (a source's own keys win over [redock]'s). */
struct deploy_when {
        long long min_age;      /* seconds; 0 = no minimum */
        char *min_age_text;     /* as written; NULL = not set */
        struct window window;
        char *window_text;      /* as written; NULL = not set (any time) */
};

/* The source name of redock poll's jobs (engine/poll.h): no [source]
 * section may take it, so a webhook can never write a job under it. */
#define SOURCE_NAME_POLL        "poll"

enum auth_mode {
        AUTH_TOKEN,             /* the secret itself, in a header or the URL */
        AUTH_HMAC,              /* an HMAC of the raw body, keyed with it */
};

struct source {
        char *name;             /* [source NAME], served at /hooks/NAME */
        char *token;            /* the secret (token, token-file or token-credential) */
        char *token_file;
        bool token_from_credential;     /* token-credential was the last of them */
        const char *token_key;  /* which of them was given, even if refused (static) */
        int token_line;         /* and where */
        enum auth_mode auth;
        char *token_header;     /* extra header that may carry the token */
        char *hmac_header;      /* header with the signature */
        char *hmac_prefix;      /* "sha256=" (GitHub), stripped before comparing */
        int hmac_bits;          /* 1 (SHA-1), 256, 512 */
        bool hmac_base64;       /* else hex */
        struct cidr *allow;     /* allow-from; none = any address */
        size_t n_allow;
        char *registry;         /* host containers pull from, "" = any */
        char **aliases;         /* other hosts the events may carry */
        size_t n_aliases;
        bool match_any_host;    /* match-host = any: by repository and tag alone */
        char *format;           /* "auto" or a format name */
        struct deploy_when when;        /* its own min-age and window */
        int approve;            /* approve = yes (1) / no (0); -1 unset: [redock]'s */
        int line;               /* where the section starts, for errors */
};

/* [registry HOST]: credentials for pulls from HOST, and how redock's
 * own client (redock poll) reaches it */
struct registry_cred {
        char *host;
        char *username;
        char *password;         /* from password or password-file */
        char *ca_file;          /* ca-file: the CA bundle its TLS certificate is verified with */
        char *mirror;           /* mirror: HOST[:PORT] asked instead of HOST by redock poll */
        int line;
};

/* [notify NAME]: where messages about outcomes go (engine/notify.c). */
enum notify_type {
        NOTIFY_SLACK, NOTIFY_TEAMS, NOTIFY_WEBHOOK, NOTIFY_NTFY, NOTIFY_GOTIFY, NOTIFY_EMAIL,
};

/* The events a notifier may want, as bits of notifier.events. */
enum notify_event {
        NOTIFY_EV_UPDATED = 1 << 0,
        NOTIFY_EV_ROLLED_BACK = 1 << 1,
        NOTIFY_EV_FAILED = 1 << 2,
        NOTIFY_EV_FOUND = 1 << 3,       /* monitor-only and dry-run: a newer image */
        NOTIFY_EV_PENDING = 1 << 4,     /* approvals (issue 17): accepted, not sent yet */
        NOTIFY_EV_POLL_ERROR = 1 << 5,
        NOTIFY_EV_ALL = (1 << 6) - 1,
};

struct notifier {
        char *name;
        enum notify_type type;
        bool type_set;
        char *url;              /* url or url-file (a secret when from the file) */
        char *secret;           /* secret-file: webhook's HMAC key */
        char *token;            /* token-file: ntfy's or Gotify's token */
        char *smtp_url;         /* email: smtp://HOST:PORT or smtps://HOST:PORT */
        char *username;
        char *password;         /* password-file */
        char *from;
        char **to;
        size_t n_to;
        bool starttls;          /* smtp://: STARTTLS required (default) */
        char *ca_file;          /* a CA bundle for a private receiver's TLS */
        unsigned events;        /* NOTIFY_EV_* bits */
        char **sources;         /* glob patterns; none = every source */
        size_t n_sources;
        char **containers;      /* glob patterns; none = every container */
        size_t n_containers;
        int timeout_ms;         /* one try's deadline */
        int line;
};

/* The events key's word for bit ev, or NULL. */
const char *notify_event_name(unsigned ev);

struct config {
        char *path;
        char *docker_host;      /* unix://PATH or tcp://HOST:PORT */
        char *queue_dir;
        char *state_dir;
        bool split;             /* mode = split: the webhook only queues, to inbox_dir */
        char *inbox_dir;        /* where a split-mode webhook leaves its jobs */
        long inbox_max_jobs;    /* past this many entries in inbox_dir: 503 */
        long long inbox_max_bytes;      /* past this many bytes there: 503 */
        int stop_timeout;       /* seconds, when the container sets none */
        int health_timeout;     /* seconds to wait for running/healthy */
        int min_uptime_ms;      /* a new container must stay up this long */
        char *docker_config;    /* config.json for registry auth ("" = none) */
        int dedup_window;       /* seconds a delivered event counts as a duplicate */
        int retry_for;          /* seconds a drain retries while Docker fails */
        int request_timeout_ms; /* the whole request must be in by then, else 408 */
        char *scope;            /* only containers with this redock.scope */
        bool dry_run;           /* decide and log, change nothing */
        bool cleanup;           /* remove the old image after success */
        bool rolling;           /* several targets: one at a time, stop at failure */
        bool select_all;        /* select = all: every container not labelled off (Watchtower's way) */
        bool include_stopped;   /* include-stopped = yes: stopped containers are updated too */
        struct deploy_when when;        /* [redock] min-age and window */
        struct source *sources;
        size_t n_sources;
        struct registry_cred *creds;
        size_t n_creds;
        char *api_token;        /* [api] token or token-file: every endpoint */
        char *api_read_token;   /* [api] read-token or read-token-file: GET only */
        long long api_pending_expire;   /* [api] pending-expire: seconds a change waits for approval */
        bool approve;           /* [redock] approve: every source's default */
        struct notifier *notifiers;
        size_t n_notifiers;
};

/* Load and validate path into cfg.  Every problem is printed to errs as
 * "PATH:LINE: message" (errs may be NULL).  Returns 0, or the number of
 * problems found (cfg is then freed and empty), or -errno when the file
 * cannot be read. */
int config_load(const char *path, struct config *cfg, FILE *errs);

/* config_load for the webhook (redock-hook), which runs once per request
 * and never answers the API nor sends a message: [api] and [notify NAME]
 * are parsed and checked as config_load does (unknown keys, bad values,
 * what a notifier lacks), but the files they name (token-file,
 * read-token-file, url-file, secret-file, password-file, ca-file) are
 * neither opened nor checked, and those secrets stay NULL. */
int config_load_for_hook(const char *path, struct config *cfg, FILE *errs);

/* What a valid configuration may not mean (no source at all): each as a
 * line "PATH: message" to out.  Returns how many. */
int config_warn(const struct config *cfg, FILE *out);

/* The keys a section takes ("redock", "docker", "source NAME", "registry
 * HOST"): a NULL-terminated list, or NULL for an unknown section. */
const char *const *config_section_keys(const char *section);

const struct source *config_source(const struct config *cfg, const char *name);
const struct notifier *config_notifier(const struct config *cfg, const char *name);

/* The min-age and window a job of source (NULL: none) waits for: the
 * source's own keys, else [redock]'s.  *min_age_text / *window NULL
 * when not set. */
/* Does a change from source (NULL: none, as redock poll's) wait for an
 * operator's approval?  The source's approve, else [redock]'s. */
bool config_approve(const struct config *cfg, const char *source);

void config_when(const struct config *cfg, const char *source, long long *min_age,
                 const char **min_age_text, const struct window **window, const char **window_text);

/* The mode a configuration file asks for, read without validating the
 * rest (for the systemd generator, which runs before anything else):
 * 1 split, 0 inline (also when the file or the key is missing), -EINVAL
 * for a value that is neither. */
int config_peek_split(const char *path);

/* Secrets are wiped before their memory is released. */
void config_free(struct config *cfg);

/* True for a usable source name: 1..SOURCE_NAME_MAX of [A-Za-z0-9._-],
 * not starting with a dot. */
bool source_name_valid(const char *name);
