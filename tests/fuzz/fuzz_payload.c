/* Fuzz the webhook payload parsers (handler/common/event.c, handler/common/formats/).
 *
 * Input: "SELECTOR\nREST".  REST is the body, or, when it starts with an
 * uppercase letter, a request head ("POST /x HTTP/1.1", headers, empty
 * line; parsed by http_parse_head(), so headers drive detection) and then
 * the body.  The body always goes through auto-detection; SELECTOR then
 * pins one format by name as well ("harbor", ...), or "*" pins every
 * format in turn.  Without a newline the whole input is the body.
 *
 * Every event a parser returns must validate as a push event. */
#include <errno.h>
#include <string.h>

#include "event.h"
#include "formats/formats.h"
#include "fuzz.h"
#include "http.h"

static void check_events(const struct event_list *l, size_t from)
{
        FUZZ_ASSERT(l->n <= EVENTS_MAX);
        for (size_t i = from; i < l->n; i++) {
                const struct push_event *e = &l->v[i];
                struct push_event copy;

                FUZZ_ASSERT(memchr(e->registry, '\0', sizeof(e->registry)));
                FUZZ_ASSERT(memchr(e->repository, '\0', sizeof(e->repository)));
                FUZZ_ASSERT(memchr(e->tag, '\0', sizeof(e->tag)));
                FUZZ_ASSERT(memchr(e->digest, '\0', sizeof(e->digest)));
                FUZZ_ASSERT(memchr(e->media_type, '\0', sizeof(e->media_type)));
                FUZZ_ASSERT(memchr(e->event_id, '\0', sizeof(e->event_id)));
                FUZZ_ASSERT(push_event_set(&copy, e->registry, e->repository, e->tag,
                                           e->digest, e->media_type, e->event_id) == 0);
        }
}

static void parse_as(const char *body, size_t len, const char *format,
                     const struct http_request *req)
{
        struct event_list out = { 0 };
        const char *detected = NULL;
        int r = event_parse(body, len, format, req, &detected, &out);

        if (r == 0) {
                FUZZ_ASSERT(detected);
                FUZZ_ASSERT(format_find(detected));
                check_events(&out, 0);
        } else {
                FUZZ_ASSERT(r == -EBADMSG || r == -EPROTONOSUPPORT || r == -E2BIG ||
                            r == -ENOMEM);
                FUZZ_ASSERT(out.n == 0);
        }
        event_list_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *nl = memchr(data, '\n', size < 64 ? size : 64);
        char selector[64] = "";
        const uint8_t *rest = data;
        size_t rest_len = size;
        struct http_request req = { 0 }, *reqp = NULL;
        char *head = NULL, *body;
        size_t body_len;

        if (nl) {
                memcpy(selector, data, (size_t)(nl - data));
                selector[nl - data] = '\0';
                rest = nl + 1;
                rest_len = size - (size_t)(nl + 1 - data);
        }
        body = fuzz_strndup(rest, rest_len);
        body_len = rest_len;
        if (rest_len && rest[0] >= 'A' && rest[0] <= 'Z') {
                const char *b;
                long hl = fuzz_head_end(body, rest_len, &b);
                if (hl >= 0) {
                        head = body;
                        body_len = rest_len - (size_t)(b - head);
                        body = fuzz_strndup((const uint8_t *)b, body_len);
                        if (http_parse_head(head, (size_t)hl, &req) == 0)
                                reqp = &req;
                }
        }

        parse_as(body, body_len, "auto", reqp);
        if (strcmp(selector, "*") == 0) {
                for (size_t i = 0; formats[i]; i++)
                        parse_as(body, body_len, formats[i]->name, reqp);
        } else if (selector[0]) {
                parse_as(body, body_len, selector, reqp);
        }

        http_request_free(&req);
        free(head);
        free(body);
        return 0;
}
