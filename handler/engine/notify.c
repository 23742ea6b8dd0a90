/* notify: one message per drain pass per notifier (see notify.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include "clock.h"
#include "log.h"
#include "notify.h"
#include "shutdown.h"

/* A failed try is tried once more, a second later: a receiver that was
 * restarting gets the message, one that is down costs at most twice the
 * timeout. */
#define NOTIFY_TRIES 2
#define NOTIFY_RETRY_PAUSE_MS 1000
/* Slack takes 50 blocks, Teams cards grow slow past a few dozen rows:
 * the rest is counted, not listed. */
#define NOTIFY_LIST_MAX 40
#define NOTIFY_TITLE_MAX 150

unsigned notify_outcome_event(const char *outcome)
{
        if (!outcome)
                return 0;
        if (!strcmp(outcome, "updated"))
                return NOTIFY_EV_UPDATED;
        if (!strcmp(outcome, "rolled-back"))
                return NOTIFY_EV_ROLLED_BACK;
        if (!strcmp(outcome, "failed"))
                return NOTIFY_EV_FAILED;
        if (!strcmp(outcome, "available"))
                return NOTIFY_EV_FOUND;
        if (!strcmp(outcome, "pending"))
                return NOTIFY_EV_PENDING;
        if (!strcmp(outcome, "poll-error"))
                return NOTIFY_EV_POLL_ERROR;
        return 0;
}

static char *dup_or_null(const char *s)
{
        return s && *s ? strdup(s) : NULL;
}

static void item_free(struct notify_item *it)
{
        free(it->source);
        free(it->target);
        free(it->kind);
        free(it->image);
        free(it->old_digest);
        free(it->new_digest);
        free(it->outcome);
        free(it->reason);
}

void notify_batch_clear(struct notify_batch *b)
{
        for (size_t i = 0; i < b->n; i++)
                item_free(&b->items[i]);
        free(b->items);
        b->items = NULL;
        b->n = 0;
}

void notify_note(struct notify_batch *b, const char *source, const char *target, const char *kind,
                 const char *image, const char *old_digest, const char *new_digest, const char *outcome,
                 long long duration_ms, const char *reason)
{
        struct notify_item *items, *it;

        if (!notify_outcome_event(outcome) && strcmp(outcome ? outcome : "", "test") != 0)
                return;
        items = reallocarray(b->items, b->n + 1, sizeof(*items));
        if (!items)
                return;
        b->items = items;
        it = &items[b->n];
        *it = (struct notify_item){
                .source = dup_or_null(source), .target = strdup(target ? target : "-"),
                .kind = strdup(kind ? kind : "container"), .image = strdup(image && *image ? image : "-"),
                .old_digest = dup_or_null(old_digest), .new_digest = dup_or_null(new_digest),
                .outcome = strdup(outcome), .reason = dup_or_null(reason), .duration_ms = duration_ms,
        };
        if (!it->target || !it->kind || !it->image || !it->outcome) {
                item_free(it);
                return;
        }
        b->n++;
}

static bool any_match(char **patterns, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (fnmatch(patterns[i], s, 0) == 0)
                        return true;
        return false;
}

size_t notify_select(const struct notifier *nt, const struct notify_batch *b, bool *sel)
{
        size_t k = 0;

        for (size_t i = 0; i < b->n; i++) {
                const struct notify_item *it = &b->items[i];

                sel[i] = (nt->events & notify_outcome_event(it->outcome)) &&
                         (!nt->n_containers || any_match(nt->containers, nt->n_containers, it->target)) &&
                         /* a manual `redock update` has no source */
                         (!nt->n_sources || (it->source && any_match(nt->sources, nt->n_sources, it->source)));
                k += sel[i];
        }
        return k;
}

/* What goes on one line of a header or a title: no line breaks, no
 * control characters (a reason is Docker's text). */
static void one_line(char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s < 0x20 || *s == 0x7f)
                        *s = ' ';
}

/* "redock on HOST: 2 updated, 1 rolled-back: a, b, c" cut to
 * NOTIFY_TITLE_MAX; allocated. */
static char *make_title(const struct notify_batch *b, const bool *sel, const char *host)
{
        static const char *const order[] = { "test", "updated", "available", "rolled-back", "failed", "pending",
                                             "poll-error" };
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        const char *sep = "";

        if (!f)
                return NULL;
        fprintf(f, "redock on %s: ", host);
        for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
                size_t n = 0;

                for (size_t i = 0; i < b->n; i++)
                        n += sel[i] && !strcmp(b->items[i].outcome, order[o]);
                if (!n)
                        continue;
                if (!strcmp(order[o], "test"))
                        fprintf(f, "%stest message", sep);
                else
                        fprintf(f, "%s%zu %s", sep, n, !strcmp(order[o], "available") ? "found" : order[o]);
                sep = ", ";
        }
        sep = ": ";
        for (size_t i = 0; i < b->n; i++) {
                if (!sel[i] || !strcmp(b->items[i].outcome, "test"))
                        continue;
                fprintf(f, "%s%s", sep, b->items[i].target);
                sep = ", ";
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        one_line(buf);
        if (strlen(buf) > NOTIFY_TITLE_MAX)
                strcpy(buf + NOTIFY_TITLE_MAX - 3, "...");
        return buf;
}

/* The words of one outcome, for every format: "app updated:
 * IMAGE sha256:old -> sha256:new in 1234 ms (source S)", and the reason. */
static void item_line(FILE *f, const struct notify_item *it)
{
        const char *outcome = !strcmp(it->outcome, "available") ? "found a newer image" : it->outcome;

        if (!strcmp(it->outcome, "test")) {
                fputs("This is a test message from redock: this notifier works.", f);
                return;
        }
        fprintf(f, "%s%s %s: %s %s -> %s", it->target, strcmp(it->kind, "service") ? "" : " (service)", outcome,
                it->image, it->old_digest ? it->old_digest : "?", it->new_digest ? it->new_digest : "?");
        /* a change that waits for approval took no time yet */
        if (strcmp(it->outcome, "pending") != 0)
                fprintf(f, " in %lld ms", it->duration_ms);
        if (it->source)
                fprintf(f, " (source %s)", it->source);
        /* one line per outcome in every text: a reason's line breaks
         * would start what looks like another outcome */
        if (it->reason) {
                fputs("; reason: ", f);
                for (const char *r = it->reason; *r; r++)
                        fputc((unsigned char)*r < 0x20 || *r == 0x7f ? ' ' : *r, f);
        }
}

static char *item_text(const struct notify_item *it)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                return NULL;
        item_line(f, it);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* Every selected item, one per line, the rest counted: allocated. */
static char *text_lines(const struct notify_batch *b, const bool *sel)
{
        char *buf = NULL;
        size_t len = 0, shown = 0, left = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                return NULL;
        for (size_t i = 0; i < b->n; i++) {
                if (!sel[i])
                        continue;
                if (shown++ >= NOTIFY_LIST_MAX) {
                        left++;
                        continue;
                }
                item_line(f, &b->items[i]);
                fputc('\n', f);
        }
        if (left)
                fprintf(f, "... and %zu more (redock history lists them)\n", left);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

static json_t *item_json(const struct notify_item *it)
{
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", it->target, "kind", it->kind, "image", it->image,
                              "outcome", it->outcome, "duration_ms", (json_int_t)it->duration_ms);

        if (!o)
                return NULL;
        json_object_set_new(o, "source", it->source ? json_string(it->source) : json_null());
        json_object_set_new(o, "old_digest", it->old_digest ? json_string(it->old_digest) : json_null());
        json_object_set_new(o, "new_digest", it->new_digest ? json_string(it->new_digest) : json_null());
        json_object_set_new(o, "reason", it->reason ? json_string(it->reason) : json_null());
        return o;
}

/* Every JSON string below is built by jansson: a container name or a
 * reason cannot break out of its string. */
static json_t *slack_body(const struct notify_batch *b, const bool *sel, const char *title)
{
        json_t *blocks = json_array();
        size_t shown = 0, left = 0;

        json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "header", "text", "type",
                                                "plain_text", "text", title));
        for (size_t i = 0; i < b->n; i++) {
                char *t;

                if (!sel[i])
                        continue;
                if (shown++ >= NOTIFY_LIST_MAX) {
                        left++;
                        continue;
                }
                t = item_text(&b->items[i]);
                if (t)
                        json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text",
                                                                "type", "plain_text", "text", t));
                free(t);
        }
        if (left) {
                char more[96];

                snprintf(more, sizeof(more), "... and %zu more (redock history lists them)", left);
                json_array_append_new(blocks, json_pack("{s:s, s:[{s:s, s:s}]}", "type", "context", "elements",
                                                        "type", "plain_text", "text", more));
        }
        return json_pack("{s:s, s:o}", "text", title, "blocks", blocks);
}

static json_t *teams_body(const struct notify_batch *b, const bool *sel, const char *title)
{
        json_t *body = json_array();
        char *lines = text_lines(b, sel);
        char *save = NULL, *line;

        json_array_append_new(body, json_pack("{s:s, s:s, s:s, s:s, s:b}", "type", "TextBlock", "text", title,
                                              "weight", "Bolder", "size", "Medium", "wrap", 1));
        for (line = lines ? strtok_r(lines, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
                json_array_append_new(body, json_pack("{s:s, s:s, s:b}", "type", "TextBlock", "text", line,
                                                      "wrap", 1));
        free(lines);
        return json_pack("{s:s, s:[{s:s, s:n, s:{s:s, s:s, s:s, s:o}}]}", "type", "message", "attachments",
                         "contentType", "application/vnd.microsoft.card.adaptive", "contentUrl", "content",
                         "$schema", "http://adaptivecards.io/schemas/adaptive-card.json", "type", "AdaptiveCard",
                         "version", "1.4", "body", body);
}

static json_t *webhook_body(const struct notify_batch *b, const bool *sel, const char *title, const char *host,
                            long now)
{
        json_t *results = json_array();

        for (size_t i = 0; i < b->n; i++)
                if (sel[i])
                        json_array_append_new(results, item_json(&b->items[i]));
        return json_pack("{s:s, s:s, s:I, s:o}", "host", host, "title", title, "time", (json_int_t)now,
                         "results", results);
}

/* A failure among them is worth a louder message. */
static bool any_bad(const struct notify_batch *b, const bool *sel)
{
        for (size_t i = 0; i < b->n; i++)
                if (sel[i] && (notify_outcome_event(b->items[i].outcome) &
                               (NOTIFY_EV_FAILED | NOTIFY_EV_ROLLED_BACK | NOTIFY_EV_POLL_ERROR)))
                        return true;
        return false;
}

static char *email_message(const struct notifier *nt, const struct notify_batch *b, const bool *sel,
                           const char *title, const char *host, long now)
{
        char date[64], *buf = NULL, *lines = text_lines(b, sel);
        size_t len = 0;
        time_t t = (time_t)now;
        struct tm tm;
        FILE *f;

        if (!lines)
                return NULL;
        f = open_memstream(&buf, &len);
        if (!f) {
                free(lines);
                return NULL;
        }
        gmtime_r(&t, &tm);
        strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
        fprintf(f, "Date: %s\r\nFrom: %s\r\nTo: ", date, nt->from);
        for (size_t i = 0; i < nt->n_to; i++)
                fprintf(f, "%s%s", i ? ", " : "", nt->to[i]);
        fprintf(f, "\r\nSubject: %s\r\nMessage-ID: <%ld.%ld.redock@%s>\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
                title, now, (long)getpid(), host);
        /* SMTP wants CR LF line ends; libcurl escapes a leading dot */
        for (const char *s = lines; *s; s++) {
                if (*s == '\n')
                        fputc('\r', f);
                fputc(*s, f);
        }
        fprintf(f, "\r\n-- \r\nredock on %s\r\n", host);
        free(lines);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

char *notify_render(const struct notifier *nt, const struct notify_batch *b, const bool *sel,
                    const char *host, long now, char **title)
{
        json_t *j = NULL;
        char *out = NULL;

        *title = make_title(b, sel, host);
        if (!*title)
                return NULL;
        switch (nt->type) {
        case NOTIFY_SLACK:
                j = slack_body(b, sel, *title);
                break;
        case NOTIFY_TEAMS:
                j = teams_body(b, sel, *title);
                break;
        case NOTIFY_WEBHOOK:
                j = webhook_body(b, sel, *title, host, now);
                break;
        case NOTIFY_GOTIFY: {
                char *lines = text_lines(b, sel);

                if (lines)
                        j = json_pack("{s:s, s:s, s:i}", "title", *title, "message", lines, "priority",
                                      any_bad(b, sel) ? 8 : 5);
                free(lines);
                break;
        }
        case NOTIFY_NTFY:
                out = text_lines(b, sel);
                break;
        case NOTIFY_EMAIL:
                out = email_message(nt, b, sel, *title, host, now);
                break;
        }
        if (j) {
                out = json_dumps(j, JSON_COMPACT);
                json_decref(j);
        }
        if (!out) {
                free(*title);
                *title = NULL;
        }
        return out;
}

void notify_signature(const char *secret, long t, const char *body, char *buf, size_t size)
{
        struct hmac_sha256_ctx ctx;
        uint8_t mac[SHA256_DIGEST_SIZE];
        char ts[24], hex[2 * SHA256_DIGEST_SIZE + 1];

        snprintf(ts, sizeof(ts), "%ld.", t);
        hmac_sha256_set_key(&ctx, strlen(secret), (const uint8_t *)secret);
        hmac_sha256_update(&ctx, strlen(ts), (const uint8_t *)ts);
        hmac_sha256_update(&ctx, strlen(body), (const uint8_t *)body);
        hmac_sha256_digest(&ctx, sizeof(mac), mac);
        for (size_t i = 0; i < sizeof(mac); i++)
                snprintf(hex + 2 * i, 3, "%02x", mac[i]);
        snprintf(buf, size, "t=%ld,v1=%s", t, hex);
        explicit_bzero(&ctx, sizeof(ctx));
}

static size_t discard(char *ptr, size_t size, size_t n, void *data)
{
        (void)ptr;
        (void)data;
        return size * n;
}

struct reader {
        const char *p;
        size_t left;
};

static size_t read_message(char *buf, size_t size, size_t n, void *data)
{
        struct reader *r = data;
        size_t k = size * n < r->left ? size * n : r->left;

        memcpy(buf, r->p, k);
        r->p += k;
        r->left -= k;
        return k;
}

/* One try.  0 delivered; -EAGAIN worth another try (no answer, 5xx,
 * 429); -EPROTO not (another status).  why: never the URL, nor a secret. */
static int send_once(const struct notifier *nt, const char *body, const char *title, char *why, size_t size)
{
        CURL *h = curl_easy_init();
        struct curl_slist *hdrs = NULL, *rcpt = NULL;
        struct reader rd = { body, strlen(body) };
        char url[2048 + 16], sig[128];
        long status = 0;
        CURLcode cc;
        int r;

        if (!h) {
                snprintf(why, size, "out of memory");
                return -ENOMEM;
        }
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)nt->timeout_ms);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)nt->timeout_ms);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
        if (nt->ca_file)
                curl_easy_setopt(h, CURLOPT_CAINFO, nt->ca_file);
        if (nt->type == NOTIFY_EMAIL) {
                char addr[512];

                curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
                curl_easy_setopt(h, CURLOPT_URL, nt->smtp_url);
                if (!strncmp(nt->smtp_url, "smtp://", 7))
                        curl_easy_setopt(h, CURLOPT_USE_SSL, nt->starttls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
                if (nt->username)
                        curl_easy_setopt(h, CURLOPT_USERNAME, nt->username);
                if (nt->password)
                        curl_easy_setopt(h, CURLOPT_PASSWORD, nt->password);
                snprintf(addr, sizeof(addr), "<%s>", nt->from);
                curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr);
                for (size_t i = 0; i < nt->n_to; i++) {
                        snprintf(addr, sizeof(addr), "<%s>", nt->to[i]);
                        rcpt = curl_slist_append(rcpt, addr);
                }
                curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
                curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
                curl_easy_setopt(h, CURLOPT_READDATA, &rd);
                curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
        } else {
                const char *u = nt->url;
                size_t ul = strlen(u);

                /* Gotify's API is POST /message on the server's URL */
                if (nt->type == NOTIFY_GOTIFY && (ul < 8 || strcmp(u + ul - 8, "/message") != 0))
                        snprintf(url, sizeof(url), "%s%smessage", u, ul && u[ul - 1] == '/' ? "" : "/");
                else
                        snprintf(url, sizeof(url), "%s", u);
                curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
                curl_easy_setopt(h, CURLOPT_URL, url);
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(h, CURLOPT_USERAGENT, "redock/" REDOCK_VERSION);
                hdrs = curl_slist_append(hdrs, nt->type == NOTIFY_NTFY ? "Content-Type: text/plain; charset=utf-8"
                                                                        : "Content-Type: application/json");
                if (nt->type == NOTIFY_NTFY) {
                        char t[NOTIFY_TITLE_MAX + 16];

                        snprintf(t, sizeof(t), "Title: %s", title);
                        hdrs = curl_slist_append(hdrs, t);
                        hdrs = curl_slist_append(hdrs, "Tags: whale");
                }
                if (nt->token) {
                        char *a = NULL;

                        if (asprintf(&a, nt->type == NOTIFY_GOTIFY ? "X-Gotify-Key: %s" : "Authorization: Bearer %s",
                                     nt->token) >= 0) {
                                hdrs = curl_slist_append(hdrs, a);
                                explicit_bzero(a, strlen(a));
                                free(a);
                        }
                }
                if (nt->type == NOTIFY_WEBHOOK && nt->secret) {
                        char v[sizeof(sig) - 24];

                        notify_signature(nt->secret, (long)time(NULL), body, v, sizeof(v));
                        snprintf(sig, sizeof(sig), "X-Redock-Signature: %s", v);
                        hdrs = curl_slist_append(hdrs, sig);
                }
                curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        }
        cc = curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (cc != CURLE_OK) {
                snprintf(why, size, "%s", curl_easy_strerror(cc));
                /* a refused login or recipient is not cured by waiting */
                r = cc == CURLE_LOGIN_DENIED || cc == CURLE_USE_SSL_FAILED || cc == CURLE_UNSUPPORTED_PROTOCOL
                            ? -EPROTO : -EAGAIN;
                if (nt->type == NOTIFY_EMAIL && status >= 400)   /* the server's refusal */
                        snprintf(why + strlen(why), size - strlen(why), " (SMTP %ld)", status);
        } else if (nt->type == NOTIFY_EMAIL || (status >= 200 && status < 300)) {
                r = 0;
        } else {
                snprintf(why, size, "HTTP %ld", status);
                r = status >= 500 || status == 429 ? -EAGAIN : -EPROTO;
        }
        curl_slist_free_all(hdrs);
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(h);
        return r;
}

/* Up to NOTIFY_TRIES tries; 0 or the last try's -errno. */
static int send_tries(const struct notifier *nt, const char *body, const char *title, int *tries, char *why,
                      size_t size)
{
        int r = -EAGAIN;

        for (*tries = 0; *tries < NOTIFY_TRIES && r == -EAGAIN; ) {
                if (*tries && shutdown_requested())
                        break;
                if (*tries)
                        sleep_ms(NOTIFY_RETRY_PAUSE_MS);
                (*tries)++;
                r = send_once(nt, body, title, why, size);
        }
        return r;
}

static void host_name(char *buf, size_t size)
{
        if (gethostname(buf, size) < 0 || !*buf)
                snprintf(buf, size, "localhost");
        buf[size - 1] = '\0';
        one_line(buf);
}

/* Render for nt and send; 0 or -errno with why. */
static int deliver(const struct notifier *nt, const struct notify_batch *b, const bool *sel, int *tries,
                   char *why, size_t size)
{
        char host[256], *title = NULL, *body;
        int r;

        host_name(host, sizeof(host));
        body = notify_render(nt, b, sel, host, (long)time(NULL), &title);
        *tries = 0;
        if (!body) {
                snprintf(why, size, "out of memory");
                return -ENOMEM;
        }
        r = send_tries(nt, body, title, tries, why, size);
        free(body);
        free(title);
        return r;
}

int notify_flush(const struct config *cfg, struct notify_batch *b)
{
        bool *sel = b->n ? calloc(b->n, sizeof(*sel)) : NULL;
        int failures = 0;

        for (size_t i = 0; sel && i < cfg->n_notifiers; i++) {
                const struct notifier *nt = &cfg->notifiers[i];
                long long t0 = now_ms();
                char why[256] = "";
                size_t n = notify_select(nt, b, sel);
                int tries, r;

                if (!n)
                        continue;
                r = deliver(nt, b, sel, &tries, why, sizeof(why));
                if (r == 0) {
                        log_msg(LOG_INFO, "notify %s: told about %zu outcome(s) in %lld ms", nt->name, n,
                                now_ms() - t0);
                } else {
                        failures++;
                        log_msg(LOG_WARNING, "notify %s: not delivered after %d tr%s (%lld ms): %s; the update "
                                "stands", nt->name, tries, tries == 1 ? "y" : "ies", now_ms() - t0, why);
                }
        }
        free(sel);
        notify_batch_clear(b);
        return failures;
}

int notify_test(const struct notifier *nt, char *errbuf, size_t size)
{
        struct notify_batch b = { 0 };
        bool sel = true;
        int tries, r;

        notify_note(&b, NULL, "(test)", "container", NULL, NULL, NULL, "test", 0, NULL);
        if (b.n != 1) {
                snprintf(errbuf, size, "out of memory");
                return -ENOMEM;
        }
        r = deliver(nt, &b, &sel, &tries, errbuf, size);
        notify_batch_clear(&b);
        return r;
}
