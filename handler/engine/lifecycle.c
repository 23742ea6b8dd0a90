/* lifecycle: commands in containers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lifecycle.h"
#include "log.h"
#include "policy.h"

/* keep the newest LIFECYCLE_OUTPUT_KEEP bytes */
static void keep(struct lifecycle_output *o, const char *p, size_t n)
{
        if (n >= sizeof(o->buf)) {
                o->cut = o->cut || o->len > 0 || n > sizeof(o->buf);
                memcpy(o->buf, p + n - sizeof(o->buf), sizeof(o->buf));
                o->len = sizeof(o->buf);
                return;
        }
        if (o->len + n > sizeof(o->buf)) {
                size_t drop = o->len + n - sizeof(o->buf);

                memmove(o->buf, o->buf + drop, o->len - drop);
                o->len -= drop;
                o->cut = true;
        }
        memcpy(o->buf + o->len, p, n);
        o->len += n;
}

void lifecycle_output_feed(struct lifecycle_output *o, const char *p, size_t n)
{
        while (n > 0) {
                size_t k;

                if (o->raw) {
                        keep(o, p, n);
                        return;
                }
                if (o->left == 0) {
                        /* a frame header, perhaps split across calls */
                        k = sizeof(o->hdr) - o->hdr_len;
                        if (k > n)
                                k = n;
                        memcpy(o->hdr + o->hdr_len, p, k);
                        o->hdr_len += k;
                        p += k;
                        n -= k;
                        if (o->hdr_len < sizeof(o->hdr))
                                return;
                        o->hdr_len = 0;
                        if (o->hdr[0] > 2 || o->hdr[1] || o->hdr[2] || o->hdr[3]) {
                                /* not a frame: a stream without them (a TTY) */
                                o->raw = true;
                                keep(o, (const char *)o->hdr, sizeof(o->hdr));
                                continue;
                        }
                        o->left = (size_t)o->hdr[4] << 24 | (size_t)o->hdr[5] << 16 |
                                  (size_t)o->hdr[6] << 8 | o->hdr[7];
                        continue;
                }
                k = o->left < n ? o->left : n;
                keep(o, p, k);
                o->left -= k;
                p += k;
                n -= k;
        }
}

void lifecycle_output_tail(const struct lifecycle_output *o, char *dst, size_t size)
{
        size_t end = o->len, start, lines = 0;
        bool older;

        while (end > 0 && (o->buf[end - 1] == '\n' || o->buf[end - 1] == '\r'))
                end--;
        start = end;
        while (start > 0) {
                if (o->buf[start - 1] == '\n' && ++lines == LIFECYCLE_OUTPUT_LINES)
                        break;
                start--;
        }
        older = start > 0 || o->cut;
        snprintf(dst, size, "%s%.*s", older && end > 0 ? "..." : "", (int)(end - start), o->buf + start);
}

/* curl's write callback: Docker's attach stream into the output */
static size_t output_write(char *ptr, size_t size, size_t nmemb, void *user)
{
        struct lifecycle_output *o = user;

        lifecycle_output_feed(o, ptr, size * nmemb);
        return size * nmemb;
}

int lifecycle_exec(struct docker *d, const char *id, const char *cmd, int timeout_s,
                   struct lifecycle_output *out)
{
        struct lifecycle_output scratch;
        json_t *body, *reply = NULL;
        char path[512], exec_id[80];
        struct timespec pause = { 0, 100 * 1000000L };
        time_t deadline;
        int status;

        if (timeout_s < 1)
                timeout_s = 1;
        deadline = time(NULL) + timeout_s;
        if (!out)
                out = &scratch;
        memset(out, 0, sizeof(*out));
        body = json_pack("{s:[s,s,s],s:b,s:b,s:b}", "Cmd", "sh", "-c", cmd,
                         "AttachStdout", 1, "AttachStderr", 1, "Tty", 0);
        snprintf(path, sizeof(path), "/containers/%s/exec", id);
        status = docker_call(d, "POST", path, body, &reply, 0);
        json_decref(body);
        if (status != 201 || !json_string_value(json_object_get(reply, "Id"))) {
                json_decref(reply);
                return -EIO;
        }
        snprintf(exec_id, sizeof(exec_id), "%s", json_string_value(json_object_get(reply, "Id")));
        json_decref(reply);

        /* attached: the reply is its output until the command's streams
         * close, within the timeout */
        body = json_pack("{s:b,s:b}", "Detach", 0, "Tty", 0);
        snprintf(path, sizeof(path), "/exec/%s/start", exec_id);
        status = docker_call_stream(d, "POST", path, body, timeout_s, output_write, out);
        json_decref(body);
        if (status == -ETIMEDOUT)
                return -ETIMEDOUT;
        if (status != 200 && status != 101)
                return -EIO;

        snprintf(path, sizeof(path), "/exec/%s/json", exec_id);
        for (;;) {
                json_t *ins = NULL;
                int code = -1;

                status = docker_call(d, "GET", path, NULL, &ins, 0);
                if (status != 200) {
                        json_decref(ins);
                        return -EIO;
                }
                if (!json_is_true(json_object_get(ins, "Running")))
                        code = (int)json_integer_value(json_object_get(ins, "ExitCode"));
                json_decref(ins);
                if (code >= 0)
                        return code;
                if (time(NULL) > deadline)
                        return -ETIMEDOUT;
                nanosleep(&pause, NULL);
        }
}

int lifecycle_run(struct docker *d, const char *id, const char *name, const char *what,
                  const char *cmd, const struct hook_timeout *t, int skip_code, const char *then)
{
        const struct log_ctx ctx = { .container = name };
        /* both large: off the stack of a process that may fork */
        struct lifecycle_output *out = calloc(1, sizeof(*out));
        char *tail = malloc(LIFECYCLE_OUTPUT_KEEP + 4);
        char how[64];
        int code;

        if (t->problem[0])
                log_ctx(LOG_WARNING, &ctx, "%s command of %s: %s", what, name, t->problem);
        log_ctx(LOG_INFO, &ctx, "running the %s command of %s (up to %d s, from %s)", what, name,
                t->seconds, t->from);
        code = lifecycle_exec(d, id, cmd, t->seconds, out);
        if (code == 0 || (skip_code >= 0 && code == skip_code))
                goto out;
        if (code == -ETIMEDOUT)
                snprintf(how, sizeof(how), "did not finish in %d s", t->seconds);
        else if (code < 0)
                snprintf(how, sizeof(how), "could not be run through Docker");
        else
                snprintf(how, sizeof(how), "failed (exit %d)", code);
        if (out && tail)
                lifecycle_output_tail(out, tail, LIFECYCLE_OUTPUT_KEEP + 4);
        if (out && tail && tail[0])
                log_ctx(LOG_WARNING, &ctx, "%s command of %s %s%s; its last lines: %s", what, name, how,
                        then, tail);
        else
                log_ctx(LOG_WARNING, &ctx, "%s command of %s %s%s; it wrote nothing", what, name, how,
                        then);
out:
        free(out);
        free(tail);
        return code;
}
