/* Every limit on outside input, in one place.
 *
 * The webhook side reads from a network peer redock does not control, so
 * every buffer that holds outside input is bounded by a constant named here.
 * Change a limit here and the unit tests check the new n and n+1. */
#pragma once

/* HTTP request head */
#define HTTP_MAX_REQUEST_LINE   4096    /* "POST /hooks/x?token=... HTTP/1.1" */
#define HTTP_MAX_HEADER_LINE    8192    /* one "Name: value" line */
#define HTTP_MAX_HEAD           32768   /* request line + all headers */
#define HTTP_MAX_HEADERS        64      /* number of header fields */
#define HTTP_MAX_METHOD         16
/* HTTP body: registries send a few KiB; a multi-arch push with many
 * events stays well under this. */
#define HTTP_MAX_BODY           (1024 * 1024)
/* whole request, first byte to last, in milliseconds: the default of
 * request-timeout */
#define HTTP_REQUEST_TIMEOUT_MS 10000

/* Names and references */
#define SOURCE_NAME_MAX         64      /* [A-Za-z0-9._-] */
#define REGISTRY_HOST_MAX       256
#define REPOSITORY_MAX          256
#define TAG_MAX                 128     /* as in the OCI distribution spec */
#define DIGEST_MAX              160     /* "sha512:" + 128 hex digits */
#define MEDIA_TYPE_MAX          128
#define EVENT_ID_MAX            128
#define IMAGE_REF_MAX           (REGISTRY_HOST_MAX + REPOSITORY_MAX + TAG_MAX + DIGEST_MAX + 4)
/* a container's redock.policy label ("regexp:" + a pattern); longer is
 * refused (tagpolicy.c) */
#define TAGPOLICY_LABEL_MAX     512

/* Payloads */
#define JSON_MAX_DEPTH          32      /* deeper nesting is rejected */
#define EVENTS_MAX              256     /* push events from one payload */

/* Job files (queue.c, intake.c).  A job is one event: its JSON is well
 * under 1.5 KiB even with every field at its limit above; anything
 * larger was not written by queue_push. */
#define JOB_FILE_MAX            4096
/* split mode's inbox, written by a less trusted process: the drain takes
 * at most this many jobs from it per run, oldest first (the path unit
 * starts it again while the inbox is not empty), and looks at no more
 * than INBOX_SCAN_MAX entries to find them */
#define INTAKE_MAX_PER_PASS     128
#define INBOX_SCAN_MAX          100000
/* what the drain moved aside (DIR.bad) and temporary files the webhook
 * left (DIR.tmp): kept for a human to look at, within bounds */
#define INBOX_BAD_MAX_AGE_S     (7 * 24 * 3600)
#define INBOX_BAD_MAX_COUNT     1000
#define INBOX_TMP_MAX_AGE_S     60

/* Secrets */
#define SECRET_MAX              1024    /* token or HMAC key */

/* Docker replies (trusted peer, still bounded) */
#define DOCKER_MAX_REPLY        (16 * 1024 * 1024)
/* one line of a pull's progress stream (a few hundred bytes each; the
 * stream itself is read as it comes, never held whole) */
#define DOCKER_PULL_LINE_MAX    (64 * 1024)

/* Registry credentials (regauth.c) */
#define DOCKER_CONFIG_MAX       (1024 * 1024)   /* config.json */
#define CRED_HELPER_OUTPUT_MAX  (64 * 1024)     /* a docker-credential-* answer */
#define CRED_HELPER_TIMEOUT_MS  10000           /* its whole run */
#define CRED_HELPER_NAME_MAX    64              /* NAME of docker-credential-NAME */

/* Registry client (engine/registry.c, common/wwwauth.c): what a registry
 * answers is outside input too */
#define WWWAUTH_HEADER_MAX      2048    /* one WWW-Authenticate value */
#define WWWAUTH_PARAM_MAX       1024    /* realm, service or scope */
#define REGISTRY_REPLY_MAX      (1024 * 1024)   /* a tags/list page, a token, an error */
#define REGISTRY_TAG_PAGES_MAX  100     /* Link pages followed by registry_list_tags */
#define REGISTRY_TAGS_MAX       10000   /* tags kept from all pages */
#define REGISTRY_TAGS_PAGE      1000    /* tags asked per page (?n=) */
#define REGISTRY_RETRY_AFTER_MAX 60     /* seconds a 429's Retry-After may make us wait */
#define REGISTRY_RETRIES_MAX    3       /* 429s answered per request before giving up */
#define REGISTRY_TIMEOUT_S      30      /* one request, connect to last byte */
