/* parseverb: redock parse, what redock makes of a payload, for users
 * wiring a registry.  JSON lines on stdout, the rest on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "event.h"
#include "http.h"
#include "parseverb.h"
#include "hostmap.h"

/* Read all of fd, up to max bytes; -EFBIG past that. */
static ssize_t read_all(int fd, char *buf, size_t max)
{
        size_t len = 0;

        for (;;) {
                ssize_t n = read(fd, buf + len, max + 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return (ssize_t)len;
                len += (size_t)n;
                if (len > max)
                        return -EFBIG;
        }
}

/* For users wiring a registry: what would redock make of this payload? */
int parse_verb(const char *config_path, const struct parse_args *pa, int argc, char **argv)
{
        struct http_request req = { 0 };
        struct event_list events = { 0 };
        struct config cfg = { 0 };
        const struct source *src = NULL;
        const char *detected = NULL;
        char *head = NULL, *body = NULL;
        size_t head_len = 0;
        ssize_t n;
        FILE *f;
        int fd, r, rc = EXIT_FAILURE;

        if (argc != 1) {
                fputs("redock parse: name one payload file, or - for stdin\n", stderr);
                return 2;
        }
        if (pa->source) {
                if (config_load(config_path, &cfg, stderr) != 0)
                        return EXIT_FAILURE;
                src = config_source(&cfg, pa->source);
                if (!src) {
                        fprintf(stderr, "redock parse: no [source %s] in %s\n", pa->source, config_path);
                        goto out;
                }
        }
        /* the headers go through the same parser as a real request's */
        f = open_memstream(&head, &head_len);
        if (!f)
                goto out;
        fprintf(f, "POST /hooks/%s HTTP/1.1\r\n", pa->source ? pa->source : "parse");
        for (size_t i = 0; i < pa->n_headers; i++)
                fprintf(f, "%s\r\n", pa->headers[i]);
        fclose(f);
        r = http_parse_head(head, head_len, &req);
        if (r) {
                fprintf(stderr, "redock parse: bad -H header (HTTP %d)\n", r);
                goto out;
        }

        fd = strcmp(argv[0], "-") == 0 ? STDIN_FILENO : open(argv[0], O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "redock parse: %s: %s\n", argv[0], strerror(errno));
                goto out;
        }
        body = malloc(HTTP_MAX_BODY + 2);
        n = body ? read_all(fd, body, HTTP_MAX_BODY) : -ENOMEM;
        if (fd != STDIN_FILENO)
                close(fd);
        if (n < 0) {
                fprintf(stderr, "redock parse: %s: %s\n", argv[0],
                        n == -EFBIG ? "larger than the body limit" : strerror((int)-n));
                goto out;
        }
        body[n] = '\0';
        req.body = body;
        req.body_len = (size_t)n;
        body = NULL;

        r = event_parse(req.body, req.body_len, src ? src->format : "auto", &req, &detected, &events);
        /* stdout holds only the events' JSON lines (redock parse FILE | jq);
         * what is said about them goes to stderr */
        if (r < 0) {
                fprintf(stderr, "format: %s\n", detected ? detected : "none");
                fprintf(stderr, "nothing: %s\n", r == -EPROTONOSUPPORT ?
                       "no known registry format matches this payload (headers such as X-GitHub-Event help detection)" :
                       r == -E2BIG ? "more push events than redock takes from one payload" :
                       "the payload is malformed for its format");
                goto out;
        }
        fprintf(stderr, "format: %s\n", detected);
        if (src) {
                int dropped = route_map_hosts(src, &events);
                if (dropped)
                        fprintf(stderr, "dropped: %d event(s) for hosts other than registry %s and its aliases\n",
                               dropped, src->registry[0] ? src->registry : "(any)");
        }
        for (size_t i = 0; i < events.n; i++) {
                json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "registry", events.v[i].registry,
                                      "repository", events.v[i].repository, "tag", events.v[i].tag,
                                      "digest", events.v[i].digest);
                char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
                if (s)
                        printf("%s\n", s);
                free(s);
                json_decref(j);
        }
        if (events.n == 0) {
                fprintf(stderr, "nothing: the payload holds no tagged manifest push (pulls, deletes, blob pushes,\n"
                       "         untagged or by-digest manifests and scans are ignored)\n");
                goto out;
        }
        rc = EXIT_SUCCESS;
out:
        free(body);
        free(head);
        event_list_free(&events);
        http_request_free(&req);
        config_free(&cfg);
        return rc;
}
