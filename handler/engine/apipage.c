/* apipage: the operator's page (GET /) and the two documents it reads
 * besides the other endpoints' (GET /status, GET /history).
 *
 * The page is handler/engine/page/index.html, built into the binary by
 * scripts/embed-page together with its Content-Security-Policy: the
 * hashes of its one <style> and one <script> are computed at build time,
 * so nothing is hashed on the request path and the policy cannot drift
 * from the page. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apipage.h"
#include "apiroute.h"
#include "historyprint.h"
#include "http.h"
#include "page.h"       /* generated: page_html[], page_csp[] */
#include "state.h"
#include "status.h"

int api_history_count(const char *query, int *ret)
{
        int n = 0;

        if (!query || !*query) {
                *ret = HISTORY_PAGE_DEFAULT;
                return 0;
        }
        if (strncmp(query, "n=", 2) != 0 || !query[2])
                return -EINVAL;
        for (const char *p = query + 2; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                /* stop counting past the max: no overflow, still all digits checked */
                if (n <= HISTORY_PAGE_MAX)
                        n = n * 10 + (*p - '0');
        }
        if (n < 1 || n > HISTORY_PAGE_MAX)
                return -ERANGE;
        *ret = n;
        return 0;
}

int api_page(const struct api_call *call)
{
        char extra[1024];
        int n;

        if (!api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        /* the page's own policy, and nothing of it kept, sniffed, framed
         * or sent on as a referrer */
        n = snprintf(extra, sizeof(extra),
                     "Content-Security-Policy: %s\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "Referrer-Policy: no-referrer\r\n"
                     "Cache-Control: no-store\r\n"
                     "X-Frame-Options: DENY\r\n", page_csp);
        if (n < 0 || (size_t)n >= sizeof(extra))
                return api_answer(call, 500, "{\"error\":\"the page's headers do not fit\"}");
        return http_write_typed(STDOUT_FILENO, call->cgi, 200, "text/html; charset=utf-8", extra, page_html,
                                sizeof(page_html) - 1, false);
}

/* A document written to a memory stream, answered as JSON; the trailing
 * newline the command line wants is the answer's own already. */
static int answer_text(const struct api_call *call, char *text, size_t len)
{
        while (len > 0 && text[len - 1] == '\n')
                text[--len] = '\0';
        return http_write_typed(STDOUT_FILENO, call->cgi, 200, "application/json", "Cache-Control: no-store\r\n",
                                text, len, true);
}

/* GET /status: `redock status --json`, whole; with Docker unreachable
 * still 200, the document says so ("docker"."reachable" false) and
 * shows what the history records. */
int api_status(const struct api_call *call)
{
        const struct status_args sa = { .json = true };
        char *text = NULL;
        size_t len = 0;
        FILE *f;
        int r, rc;

        if (!api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        f = open_memstream(&text, &len);
        if (!f)
                return api_answer(call, 500, "{\"error\":\"out of memory\"}");
        r = status_run(call->cfg, &sa, f);
        if (fclose(f) != 0 || (r < 0 && r != -EHOSTUNREACH) || len == 0) {
                free(text);
                return api_answer(call, 500, "{\"error\":\"cannot read the status\"}");
        }
        rc = answer_text(call, text, len);
        free(text);
        return rc;
}

/* GET /history?n=N: the newest N rows, newest first, as one JSON array
 * of the objects `redock history --json` prints one per line. */
int api_history(const struct api_call *call)
{
        struct history_filter filter = { 0 };
        struct state *st = NULL;
        char *text = NULL;
        size_t len = 0;
        FILE *f;
        int r, rc;

        if (!api_is_get(call))
                return api_method_not_allowed(call, "GET, HEAD");
        r = api_history_count(call->req->query, &filter.limit);
        if (r < 0)
                return api_answer(call, 400, "{\"error\":\"history takes ?n=COUNT, a count from 1 to 1000\"}");
        /* no database yet is no history yet, not an error */
        if (state_open(call->cfg->state_dir, &st) < 0)
                return answer_text(call, (char[]){ "[]" }, 2);
        f = open_memstream(&text, &len);
        if (!f) {
                state_close(st);
                return api_answer(call, 500, "{\"error\":\"out of memory\"}");
        }
        /* "[" first, then one compact object per line: each newline but
         * the last becomes the comma between two (JSON text holds no raw
         * newline), the last the "]" */
        fputc('[', f);
        r = state_print_history(st, f, &filter, true);
        state_close(st);
        if (fclose(f) != 0 || r < 0) {
                free(text);
                return api_answer(call, 500, "{\"error\":\"cannot read redock's history\"}");
        }
        for (size_t i = 1; i + 1 < len; i++)
                if (text[i] == '\n')
                        text[i] = ',';
        if (len > 1)
                text[len - 1] = ']';
        rc = len > 1 ? answer_text(call, text, len) : answer_text(call, (char[]){ "[]" }, 2);
        free(text);
        return rc;
}
