/* formats: every registry's webhook payload, from tests/fixtures/payloads.
 *
 * For each fixture: what auto-detection picks, the exact push events (or
 * none, or the error), the same with the format pinned, and that pinning
 * any other format gives an error or nothing.  Then hostile variants of
 * every fixture: truncated, bytes replaced, each JSON value swapped for
 * another type.  A .http fixture is a request head and a body; its
 * headers are put into a struct http_request by hand. */
#include "check_main.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "event.h"
#include "formats/formats.h"
#include "http.h"

#define D1 "sha256:4bcdffd70da292293d059d2435c7056711fab2655f8b74f48ad0abe042b63687"
#define D2 "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define D3 "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
#define D4 "sha256:fd61a7d7e0a2e5e9e4ad16c4f27a2e4d7d8a2b6c8c5c1e4f2f0a7b3c9d8e1f20"

/* ---- loading fixtures ---- */

struct fixture {
        char *buf;                      /* the whole file; headers point in */
        const char *body;
        size_t len;
        struct http_request req;
        bool has_req;
};

static char *read_file(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long n;

        ck_assert_msg(f, "cannot open %s", path);
        ck_assert(fseek(f, 0, SEEK_END) == 0);
        n = ftell(f);
        ck_assert(n >= 0);
        rewind(f);
        buf = malloc((size_t)n + 1);
        ck_assert(buf);
        ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
        buf[n] = '\0';
        fclose(f);
        *len = (size_t)n;
        return buf;
}

static char *trim(char *s)
{
        char *end;

        while (*s == ' ' || *s == '\t')
                s++;
        end = s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
                *--end = '\0';
        return s;
}

/* "POST /x HTTP/1.1\r\nName: value\r\n...\r\n\r\nbody" */
static void split_http(struct fixture *fx)
{
        char *p = fx->buf, *body;
        char *crlf = strstr(p, "\r\n\r\n"), *lf = strstr(p, "\n\n");

        if (crlf && (!lf || crlf < lf)) {
                *crlf = '\0';
                body = crlf + 4;
        } else {
                ck_assert_msg(lf, "no end of head");
                *lf = '\0';
                body = lf + 2;
        }
        fx->len -= (size_t)(body - fx->buf);
        fx->body = body;
        memset(&fx->req, 0, sizeof(fx->req));
        snprintf(fx->req.method, sizeof(fx->req.method), "POST");
        fx->has_req = true;
        p = strchr(p, '\n');            /* skip the request line */
        while (p && *++p) {
                char *next = strchr(p, '\n'), *colon;
                if (next)
                        *next = '\0';
                colon = strchr(p, ':');
                ck_assert_msg(colon, "bad header line '%s'", p);
                ck_assert(fx->req.n_headers < HTTP_MAX_HEADERS);
                *colon = '\0';
                fx->req.headers[fx->req.n_headers].name = trim(p);
                fx->req.headers[fx->req.n_headers].value = trim(colon + 1);
                fx->req.n_headers++;
                p = next;
        }
}

static void load(const char *rel, struct fixture *fx)
{
        char path[512];
        size_t n = strlen(rel);

        memset(fx, 0, sizeof(*fx));
        snprintf(path, sizeof(path), "%s/payloads/%s", FIXTURES, rel);
        fx->buf = read_file(path, &fx->len);
        fx->body = fx->buf;
        if (n > 5 && strcmp(rel + n - 5, ".http") == 0)
                split_http(fx);
}

static const struct http_request *req_of(const struct fixture *fx)
{
        return fx->has_req ? &fx->req : NULL;
}

/* ---- the expectations ---- */

struct want_event {
        const char *registry, *repository, *tag, *digest;
};

struct fixture_case {
        const char *path;
        const char *format;     /* the fixture's format, pinned below */
        const char *detected;   /* what "auto" names, NULL when nothing */
        int rc;                 /* event_parse() with "auto" */
        int rc_pinned;          /* with format pinned */
        size_t n;
        struct want_event ev[3];
};

#define PUSH(f, p, ...)         { p, f, f, 0, 0, \
                                  sizeof((struct want_event[]){ __VA_ARGS__ }) / sizeof(struct want_event), \
                                  { __VA_ARGS__ } }
#define NONE(f, p)              { p, f, f, 0, 0, 0, { { 0 } } }
#define BAD(f, p)               { p, f, f, -EBADMSG, -EBADMSG, 0, { { 0 } } }
/* not even JSON (or a bad form encoding): nothing is detected */
#define UNREADABLE(f, p)        { p, f, NULL, -EBADMSG, -EBADMSG, 0, { { 0 } } }
/* so wrong that detection does not recognise it; pinned it is malformed */
#define UNKNOWN(f, p)           { p, f, NULL, -EPROTONOSUPPORT, -EBADMSG, 0, { { 0 } } }

static const struct fixture_case cases[] = {
        /* Distribution 2.x/3.x, GitLab */
        PUSH("distribution", "distribution/push-tagged-manifest.json",
             { "registrycluster.local", "library/test", "latest",
               "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf" }),
        PUSH("distribution", "distribution/push-blobs-and-manifest.json",
             { "registrycluster.local", "library/test", "latest",
               "sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf" }),
        PUSH("distribution", "distribution/push-multiarch.json",
             { "127.0.0.1:5000", "team/app", "v2", D1 }),
        PUSH("distribution", "distribution/push-v3.http",
             { "registry.example.com:5000", "library/nginx", "stable", D4 }),
        PUSH("distribution", "distribution/gitlab-push.json",
             { "registry.gitlab.example.com", "group/project/api", "main", D2 }),
        PUSH("distribution", "distribution/push-duplicate.json",
             { "127.0.0.1:5000", "team/app", "latest", D1 }),
        NONE("distribution", "distribution/pull.json"),
        NONE("distribution", "distribution/delete.json"),
        NONE("distribution", "distribution/mount.json"),
        UNKNOWN("distribution", "distribution/malformed-events-object.json"),
        BAD("distribution", "distribution/malformed-target-string.json"),
        BAD("distribution", "distribution/malformed-host-number.json"),
        BAD("distribution", "distribution/malformed-bad-tag.json"),
        BAD("distribution", "distribution/malformed-event-string.json"),
        UNREADABLE("distribution", "distribution/truncated.json"),

        /* Harbor, default payload format */
        PUSH("harbor", "harbor/push-default.json",
             { "hub.harbor.com", "test-webhook/debian", "latest",
               "sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8" }),
        PUSH("harbor", "harbor/push-legacy-1x.json",
             { "harbor.example.com", "library/nginx", "1.25", D3 }),
        PUSH("harbor", "harbor/push-port.json",
             { "harbor.example.com:8443", "team/app", "v1.2.0", D4 }),
        NONE("harbor", "harbor/push-by-digest.json"),
        NONE("harbor", "harbor/delete.json"),
        NONE("harbor", "harbor/pull.json"),
        NONE("harbor", "harbor/scan-completed.json"),
        BAD("harbor", "harbor/malformed-resources-object.json"),
        BAD("harbor", "harbor/malformed-no-repository.json"),
        BAD("harbor", "harbor/malformed-resource-url-number.json"),
        UNREADABLE("harbor", "harbor/truncated.json"),

        /* Harbor, CloudEvents payload format */
        PUSH("harbor-cloudevents", "harbor-cloudevents/pushed.json",
             { "harbor.dev", "library/busybox", "1.36", D2 }),
        PUSH("harbor-cloudevents", "harbor-cloudevents/pushed.http",
             { "harbor.example.com", "team/app", "2025.03", D3 }),
        NONE("harbor-cloudevents", "harbor-cloudevents/pulled.json"),
        NONE("harbor-cloudevents", "harbor-cloudevents/pushed-by-digest.json"),
        NONE("harbor-cloudevents", "harbor-cloudevents/deleted.json"),
        NONE("harbor-cloudevents", "harbor-cloudevents/scan-completed.json"),
        BAD("harbor-cloudevents", "harbor-cloudevents/malformed-data-string.json"),
        UNREADABLE("harbor-cloudevents", "harbor-cloudevents/truncated.json"),

        /* Docker Hub */
        PUSH("dockerhub", "dockerhub/push.json",
             { "docker.io", "svendowideit/testhook", "latest", "" }),
        PUSH("dockerhub", "dockerhub/push-official.json",
             { "docker.io", "library/nginx", "1.27", "" }),
        UNKNOWN("dockerhub", "dockerhub/malformed-push-data-string.json"),
        BAD("dockerhub", "dockerhub/malformed-tag-number.json"),
        UNREADABLE("dockerhub", "dockerhub/truncated.json"),

        /* GitHub (ghcr.io) */
        PUSH("github", "github/package-published-multiarch.json",
             { "ghcr.io", "theryangeary/www", "0e2a89b",
               "sha256:89160c587d0c36bf54090497a465445c14980ba48efbcf3b0d03c49b76f3feb8" }),
        PUSH("github", "github/package-published.http",
             { "ghcr.io", "octo-org/web-app", "v1.4.2", D1 }),
        PUSH("github", "github/registry-package-published.http",
             { "ghcr.io", "acme/api", "main", D2 }),
        PUSH("github", "github/package-published-form.http",
             { "ghcr.io", "acme/worker", "2025-03-01", D3 }),
        PUSH("github", "github/package-no-url.json",
             { "ghcr.io", "acme/api", "v1", D4 }),
        NONE("github", "github/registry-package-untagged.json"),
        NONE("github", "github/ping.http"),
        NONE("github", "github/push-event.http"),
        NONE("github", "github/package-npm.http"),
        BAD("github", "github/malformed-package-version-string.http"),
        UNREADABLE("github", "github/malformed-form.http"),
        UNREADABLE("github", "github/truncated.json"),

        /* Gitea, Forgejo */
        PUSH("gitea", "gitea/package-created.json",
             { "localhost:3000", "user1/giteacontainer", "latest", "" }),
        PUSH("gitea", "gitea/package-created.http",
             { "git.example.com", "team/web", "1.2.3", "" }),
        PUSH("gitea", "gitea/forgejo-created.http",
             { "code.example.org:3000", "ops/proxy", "stable", "" }),
        NONE("gitea", "gitea/package-child-digest.http"),
        NONE("gitea", "gitea/package-deleted.http"),
        NONE("gitea", "gitea/package-npm.http"),
        NONE("gitea", "gitea/push-event.http"),
        BAD("gitea", "gitea/malformed-no-owner.http"),
        BAD("gitea", "gitea/malformed-package-array.http"),
        UNREADABLE("gitea", "gitea/truncated.json"),

        /* Quay */
        PUSH("quay", "quay/repo-push.json",
             { "quay.io", "dgangaia/test", "latest", "" }),
        PUSH("quay", "quay/repo-push-multiple-tags.json",
             { "quay.example.com", "team/app", "latest", "" },
             { "quay.example.com", "team/app", "1.0", "" }),
        NONE("quay", "quay/build-success.json"),
        NONE("quay", "quay/vulnerability-found.json"),
        BAD("quay", "quay/malformed-updated-tags-string.json"),
        BAD("quay", "quay/malformed-tag-number.json"),
        UNREADABLE("quay", "quay/truncated.json"),

        /* Azure Container Registry */
        PUSH("acr", "acr/push.json",
             { "myregistry.azurecr.io", "hello-world", "v1",
               "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d" }),
        PUSH("acr", "acr/push-index.json",
             { "myregistry.azurecr.io", "team/app", "2025.03", D3 }),
        NONE("acr", "acr/delete.json"),
        NONE("acr", "acr/chart-push.json"),
        NONE("acr", "acr/ping.json"),
        NONE("acr", "acr/ping-minimal.json"),
        NONE("acr", "acr/push-untagged.json"),
        BAD("acr", "acr/malformed-target-string.json"),
        BAD("acr", "acr/malformed-no-host.json"),
        UNREADABLE("acr", "acr/truncated.json"),

        /* JFrog Artifactory */
        PUSH("jfrog", "jfrog/docker-pushed.json",
             { "example.jfrog.io", "docker-remote/library/ubuntu", "latest",
               "sha256:35c4a2c15539c6c1e4e5fa4e554dac323ad0107d8eb5c582d6ff386b383b7dce" }),
        PUSH("jfrog", "jfrog/docker-pushed-local.json",
             { "acme.jfrog.io", "docker-local/team/app", "2.0", D2 }),
        PUSH("jfrog", "jfrog/docker-pushed-no-origin.json",
             { "", "docker-local/team/app", "2.1", D3 }),
        NONE("jfrog", "jfrog/docker-deleted.json"),
        NONE("jfrog", "jfrog/docker-promoted.json"),
        NONE("jfrog", "jfrog/artifact-deployed.json"),
        NONE("jfrog", "jfrog/docker-pushed-digest-folder.json"),
        UNKNOWN("jfrog", "jfrog/malformed-data-string.json"),
        BAD("jfrog", "jfrog/malformed-image-name-number.json"),
        UNREADABLE("jfrog", "jfrog/truncated.json"),

        /* Sonatype Nexus 3 */
        PUSH("nexus", "nexus/component-created.json", { "", "app1/alpine", "3.4", "" }),
        PUSH("nexus", "nexus/component-created.http", { "", "team/app", "1.0", "" }),
        PUSH("nexus", "nexus/component-updated.json", { "", "team/app", "latest", "" }),
        NONE("nexus", "nexus/component-deleted.json"),
        NONE("nexus", "nexus/component-maven.json"),
        NONE("nexus", "nexus/asset-created.http"),
        NONE("nexus", "nexus/audit.http"),
        UNKNOWN("nexus", "nexus/malformed-component-string.json"),
        BAD("nexus", "nexus/malformed-version-number.json"),
        UNREADABLE("nexus", "nexus/truncated.json"),

        /* Google Artifact Registry / Container Registry via Pub/Sub */
        PUSH("gar", "gar/pubsub-push.json", { "us.gcr.io", "am/am.kebab.api", "test", "" }),
        PUSH("gar", "gar/pubsub-push-tagged.json",
             { "us-east1-docker.pkg.dev", "my-project/my-repo/hello-world", "1.1", D2 }),
        PUSH("gar", "gar/unwrapped-push.json",
             { "europe-docker.pkg.dev", "acme/images/api", "2025.03.01", D3 }),
        NONE("gar", "gar/pubsub-push-digest-only.json"),
        NONE("gar", "gar/pubsub-delete.json"),
        BAD("gar", "gar/malformed-base64.json"),
        BAD("gar", "gar/malformed-base64-whitespace.json"),
        BAD("gar", "gar/malformed-data-not-json.json"),
        UNKNOWN("gar", "gar/malformed-data-number.json"),
        BAD("gar", "gar/malformed-digest-mismatch.json"),
        BAD("gar", "gar/malformed-tag-no-host.json"),
        UNREADABLE("gar", "gar/truncated.json"),

        /* Amazon ECR via EventBridge */
        PUSH("ecr", "ecr/eventbridge-push.json",
             { "123456789012.dkr.ecr.us-west-2.amazonaws.com", "my-repository-name", "latest",
               "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678" }),
        PUSH("ecr", "ecr/eventbridge-push-china.json",
             { "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn", "team/app", "v3", D3 }),
        NONE("ecr", "ecr/eventbridge-delete.json"),
        NONE("ecr", "ecr/eventbridge-push-failed.json"),
        NONE("ecr", "ecr/eventbridge-scan.json"),
        NONE("ecr", "ecr/eventbridge-push-child.json"),
        BAD("ecr", "ecr/malformed-detail-string.json"),
        BAD("ecr", "ecr/malformed-account.json"),
        UNREADABLE("ecr", "ecr/truncated.json"),

        /* zot */
        PUSH("zot", "zot/image-updated.http",
             { "", "golang", "latest",
               "sha256:abababababababababababababababababababababababababababababababab" }),
        PUSH("zot", "zot/image-updated-prefix.http", { "", "team/app", "2.0", D3 }),
        NONE("zot", "zot/image-updated-by-digest.http"),
        NONE("zot", "zot/image-deleted.http"),
        NONE("zot", "zot/repository-created.http"),
        BAD("zot", "zot/malformed-name-number.http"),
        UNREADABLE("zot", "zot/truncated.http"),
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static int parse(const struct fixture *fx, const char *format, const char **detected,
                 struct event_list *out)
{
        *detected = NULL;
        memset(out, 0, sizeof(*out));
        return event_parse(fx->body, fx->len, format, req_of(fx), detected, out);
}

static void check_events(const struct fixture_case *c, const struct event_list *l,
                         const char *how)
{
        ck_assert_msg(l->n == c->n, "%s (%s): %zu events, want %zu", c->path, how, l->n, c->n);
        for (size_t i = 0; i < c->n; i++) {
                ck_assert_str_eq(l->v[i].registry, c->ev[i].registry);
                ck_assert_str_eq(l->v[i].repository, c->ev[i].repository);
                ck_assert_str_eq(l->v[i].tag, c->ev[i].tag);
                ck_assert_str_eq(l->v[i].digest, c->ev[i].digest);
        }
}

static void check_fixture(const struct fixture_case *c, const struct fixture *fx)
{
        struct event_list l;
        const char *detected;
        int r;

        r = parse(fx, "auto", &detected, &l);
        ck_assert_msg(r == c->rc, "%s: auto gives %d, want %d", c->path, r, c->rc);
        if (c->detected)
                ck_assert_msg(detected && strcmp(detected, c->detected) == 0,
                              "%s: detected as %s", c->path, detected ? detected : "nothing");
        check_events(c, &l, "auto");
        event_list_free(&l);

        r = parse(fx, NULL, &detected, &l);
        ck_assert_msg(r == c->rc, "%s: NULL format gives %d", c->path, r);
        event_list_free(&l);

        r = parse(fx, c->format, &detected, &l);
        ck_assert_msg(r == c->rc_pinned, "%s: pinned gives %d, want %d", c->path, r, c->rc_pinned);
        if (r == 0)
                ck_assert_str_eq(detected, c->format);
        check_events(c, &l, "pinned");
        event_list_free(&l);
}

/* Pinning the wrong format never turns a payload into pushes. */
static void check_other_formats(const struct fixture_case *c, const struct fixture *fx)
{
        for (size_t i = 0; formats[i]; i++) {
                struct event_list l;
                const char *detected;
                int r;

                if (strcmp(formats[i]->name, c->format) == 0)
                        continue;
                r = parse(fx, formats[i]->name, &detected, &l);
                ck_assert_msg(r < 0 || l.n == 0, "%s pinned as %s gives %zu events (%s/%s:%s)",
                              c->path, formats[i]->name, l.n, l.n ? l.v[0].registry : "",
                              l.n ? l.v[0].repository : "", l.n ? l.v[0].tag : "");
                event_list_free(&l);
        }
}

START_TEST(fixture)
{
        const struct fixture_case *c = &cases[_i];
        struct fixture fx;

        load(c->path, &fx);
        check_fixture(c, &fx);
        check_other_formats(c, &fx);
        free(fx.buf);
}
END_TEST

/* Every fixture on disk is in the table above, so none goes untested. */
START_TEST(every_fixture_is_tested)
{
        char dir[512];
        DIR *top, *d;
        struct dirent *fmt, *f;
        size_t seen = 0;

        snprintf(dir, sizeof(dir), "%s/payloads", FIXTURES);
        top = opendir(dir);
        ck_assert(top);
        while ((fmt = readdir(top))) {
                char sub[768];
                if (fmt->d_name[0] == '.')
                        continue;
                ck_assert_msg(format_find(fmt->d_name), "directory %s is not a format", fmt->d_name);
                snprintf(sub, sizeof(sub), "%s/%s", dir, fmt->d_name);
                d = opendir(sub);
                ck_assert(d);
                while ((f = readdir(d))) {
                        char rel[600];
                        bool found = false;
                        if (f->d_name[0] == '.')
                                continue;
                        snprintf(rel, sizeof(rel), "%s/%s", fmt->d_name, f->d_name);
                        for (size_t i = 0; i < N_CASES && !found; i++)
                                found = strcmp(cases[i].path, rel) == 0 &&
                                        strcmp(cases[i].format, fmt->d_name) == 0;
                        ck_assert_msg(found, "fixture %s has no expectation", rel);
                        seen++;
                }
                closedir(d);
        }
        closedir(top);
        ck_assert_uint_eq(seen, N_CASES);
}
END_TEST

/* Each format has a push fixture that detection picks for it. */
START_TEST(every_format_has_a_push)
{
        for (size_t i = 0; formats[i]; i++) {
                bool found = false;
                for (size_t j = 0; j < N_CASES && !found; j++)
                        found = strcmp(cases[j].format, formats[i]->name) == 0 && cases[j].n > 0;
                ck_assert_msg(found, "format %s has no push fixture", formats[i]->name);
        }
}
END_TEST

START_TEST(format_names)
{
        static const char *const names[] = {
                "distribution", "harbor", "harbor-cloudevents", "dockerhub", "github",
                "gitea", "quay", "acr", "jfrog", "nexus", "gar", "ecr", "zot",
        };
        size_t n = 0;

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                const struct format *f = format_find(names[i]);
                ck_assert_msg(f, "no format %s", names[i]);
                ck_assert_str_eq(f->name, names[i]);
        }
        while (formats[n])
                n++;
        ck_assert_uint_eq(n, sizeof(names) / sizeof(names[0]));
        ck_assert_ptr_null(format_find("auto"));
        ck_assert_ptr_null(format_find("Harbor"));
        ck_assert_ptr_null(format_find(""));
        /* the generic envelope is tried last */
        ck_assert_ptr_eq(formats[n - 1], &format_distribution);
}
END_TEST

START_TEST(unknown_format_and_bodies)
{
        struct event_list l = { 0 };
        const char *detected = NULL;

        ck_assert_int_eq(event_parse("{}", 2, "nope", NULL, &detected, &l), -EPROTONOSUPPORT);
        ck_assert_int_eq(event_parse("{}", 2, "auto", NULL, &detected, &l), -EPROTONOSUPPORT);
        ck_assert_ptr_null(detected);
        ck_assert_int_eq(event_parse("", 0, "auto", NULL, &detected, &l), -EBADMSG);
        ck_assert_int_eq(event_parse("[]", 2, "auto", NULL, &detected, &l), -EPROTONOSUPPORT);
        /* jansson takes only an object or an array as the whole text */
        ck_assert_int_eq(event_parse("\"x\"", 3, "auto", NULL, &detected, &l), -EBADMSG);
        ck_assert_int_eq(event_parse("null", 4, "auto", NULL, &detected, &l), -EBADMSG);
        /* a NUL inside the body */
        ck_assert_int_eq(event_parse("{\"events\":[]}\0", 14, "auto", NULL, &detected, &l), -EBADMSG);
        /* duplicate keys have no single meaning */
        ck_assert_int_eq(event_parse("{\"events\":[],\"events\":[]}", 25, "auto", NULL,
                                     &detected, &l), -EBADMSG);
        /* every format with an array or a scalar as the root */
        for (size_t i = 0; formats[i]; i++) {
                ck_assert_int_le(event_parse("[]", 2, formats[i]->name, NULL, &detected, &l), 0);
                ck_assert_int_le(event_parse("1", 1, formats[i]->name, NULL, &detected, &l), 0);
                ck_assert_uint_eq(l.n, 0);
        }
        event_list_free(&l);
}
END_TEST

START_TEST(deep_nesting_refused)
{
        char buf[4 * JSON_MAX_DEPTH + 64];
        struct event_list l = { 0 };
        const char *detected;
        json_t *nested;
        size_t n = 0;

        for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
                n += (size_t)sprintf(buf + n, "[");
        for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
                n += (size_t)sprintf(buf + n, "]");
        ck_assert_int_eq(event_parse(buf, n, "auto", NULL, &detected, &l), -EBADMSG);
        /* and the same inside a GAR message's base64 data */
        ck_assert_ptr_null(format_json_load(buf, n));
        nested = format_json_load(buf + 1, n - 2);
        ck_assert_ptr_nonnull(nested);
        json_decref(nested);
}
END_TEST

/* ---- the shared helpers ---- */

START_TEST(tags_wanted)
{
        ck_assert(format_tag_wanted("latest"));
        ck_assert(format_tag_wanted("v1.2.3-rc_1"));
        ck_assert(!format_tag_wanted(NULL));
        ck_assert(!format_tag_wanted(""));
        ck_assert(!format_tag_wanted(D1));
        ck_assert(!format_tag_wanted("sha512:abcd"));
        ck_assert(format_manifest_type(NULL));
        ck_assert(format_manifest_type("application/vnd.docker.distribution.manifest.v2+json"));
        ck_assert(format_manifest_type("application/vnd.oci.image.index.v1+json"));
        ck_assert(!format_manifest_type("application/octet-stream"));
        ck_assert(!format_manifest_type("application/vnd.oci.image.layer.v1.tar+gzip"));
}
END_TEST

START_TEST(add_validates)
{
        struct event_list l = { 0 };
        char long_id[EVENT_ID_MAX + 10];

        memset(long_id, 'a', sizeof(long_id) - 1);
        long_id[sizeof(long_id) - 1] = '\0';
        ck_assert_int_eq(format_add(&l, "h.io", "a/b", "", NULL, NULL, NULL), 0);
        ck_assert_int_eq(format_add(&l, "h.io", "a/b", D2, NULL, NULL, NULL), 0);
        ck_assert_uint_eq(l.n, 0);
        ck_assert_int_eq(format_add(&l, "h.io", "a/b", "bad tag", NULL, NULL, NULL), -EBADMSG);
        ck_assert_int_eq(format_add(&l, "h.io", "A//b", "t", NULL, NULL, NULL), -EBADMSG);
        ck_assert_int_eq(format_add(&l, "h.io/x", "a/b", "t", NULL, NULL, NULL), -EBADMSG);
        ck_assert_int_eq(format_add(&l, "h.io", "a/b", "t", "sha256:xyz", NULL, NULL), -EBADMSG);
        ck_assert_uint_eq(l.n, 0);
        /* hints that do not validate are dropped, the push is kept */
        ck_assert_int_eq(format_add(&l, "h.io", "a/b", "t", D1, "bad type", long_id), 0);
        ck_assert_uint_eq(l.n, 1);
        ck_assert_str_eq(l.v[0].media_type, "");
        ck_assert_str_eq(l.v[0].event_id, "");
        ck_assert_int_eq(format_add(&l, "h.io", "a/b", "t", D1, "x/y", "id-1"), 0);
        ck_assert_uint_eq(l.n, 1);
        event_list_free(&l);
}
END_TEST

START_TEST(url_hosts)
{
        char h[REGISTRY_HOST_MAX];

        ck_assert_int_eq(format_url_host("https://Git.Example.com/a/b", h, sizeof(h)), 0);
        ck_assert_str_eq(h, "git.example.com");
        ck_assert_int_eq(format_url_host("http://user:pw@localhost:3000/x", h, sizeof(h)), 0);
        ck_assert_str_eq(h, "localhost:3000");
        ck_assert_int_eq(format_url_host("https://example.jfrog.io", h, sizeof(h)), 0);
        ck_assert_str_eq(h, "example.jfrog.io");
        ck_assert_int_eq(format_url_host("https://h.io?x=1", h, sizeof(h)), 0);
        ck_assert_str_eq(h, "h.io");
        ck_assert_int_eq(format_url_host("quay.io/ns/repo", h, sizeof(h)), 0);
        ck_assert_str_eq(h, "quay.io");
        ck_assert_int_eq(format_url_host("[::1]:5000/a", h, sizeof(h)), 0);
        ck_assert_str_eq(h, "[::1]:5000");
        ck_assert_int_eq(format_url_host("https:///x", h, sizeof(h)), -EINVAL);
        ck_assert_int_eq(format_url_host("", h, sizeof(h)), -EINVAL);
        ck_assert_int_eq(format_url_host("/x", h, sizeof(h)), -EINVAL);
        ck_assert_int_eq(format_url_host("abcdef/x", h, 6), -EINVAL);
        ck_assert_int_eq(format_url_host("abcde/x", h, 6), 0);
}
END_TEST

static void ref_is(const char *s, const char *host, const char *repo, const char *tag,
                   const char *digest)
{
        struct format_ref r;

        ck_assert_msg(format_ref_split(s, &r) == 0, "'%s' refused", s);
        ck_assert_str_eq(r.host, host);
        ck_assert_str_eq(r.repository, repo);
        ck_assert_str_eq(r.tag, tag);
        ck_assert_str_eq(r.digest, digest);
}

START_TEST(references)
{
        struct format_ref r;

        ref_is("ghcr.io/o/r:t", "ghcr.io", "o/r", "t", "");
        ref_is("ghcr.io/o/r:", "ghcr.io", "o/r", "", "");
        ref_is("h:5000/a/b", "h:5000", "a/b", "", "");
        ref_is("h:5000/a/b:1.0@" D1, "h:5000", "a/b", "1.0", D1);
        ref_is("us-docker.pkg.dev/p/r/img@" D2, "us-docker.pkg.dev", "p/r/img", "", D2);
        ref_is("localhost/a.b:c/d", "localhost", "a.b:c/d", "", "");
        ck_assert_int_eq(format_ref_split("nohost:1", &r), -EINVAL);
        ck_assert_int_eq(format_ref_split("/a:b", &r), -EINVAL);
        ck_assert_int_eq(format_ref_split("h.io/:t", &r), -EINVAL);
        ck_assert_int_eq(format_ref_split("h.io/", &r), -EINVAL);
        ck_assert_int_eq(format_ref_split("h.io/@" D1, &r), -EINVAL);
}
END_TEST

static void form_is(const char *body, const char *want)
{
        char *json = NULL;
        size_t n = 0;

        ck_assert_msg(format_form_payload(body, strlen(body), &json, &n) == 0, "'%s' refused", body);
        ck_assert_uint_eq(n, strlen(want));
        ck_assert_str_eq(json, want);
        free(json);
}

static void form_bad(const char *body, size_t len)
{
        char *json = NULL;
        size_t n;

        ck_assert_int_eq(format_form_payload(body, len, &json, &n), -EBADMSG);
        ck_assert_ptr_null(json);
}

START_TEST(form_bodies)
{
        form_is("payload=%7B%22a%22%3A+1%7d", "{\"a\": 1}");
        form_is("x=1&payload=%7B%7D&y=2", "{}");
        form_is("payload=", "");
        form_is("payload=a%2Bb+c", "a+b c");
        form_bad("payloa=1", 8);
        form_bad("", 0);
        form_bad("payload=%7", 10);
        form_bad("payload=%zz", 11);
        form_bad("payload=%00", 11);
        form_bad("payload=a\0b", 11);
        form_bad("xpayload=1", 10);
        /* the length bounds the scan, not a NUL */
        form_bad("payload=%41", 10);
}
END_TEST

/* ---- detection and headers ---- */

static struct http_request one_header(const char *name, const char *value)
{
        struct http_request req;

        memset(&req, 0, sizeof(req));
        req.headers[0].name = (char *)name;
        req.headers[0].value = (char *)value;
        req.n_headers = 1;
        return req;
}

START_TEST(gitea_header_beats_github_header)
{
        struct fixture fx;
        struct event_list l;
        const char *detected;

        /* Gitea sends X-GitHub-Event too; its own header decides */
        load("gitea/package-created.http", &fx);
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(detected, "gitea");
        ck_assert_uint_eq(l.n, 1);
        event_list_free(&l);
        free(fx.buf);
}
END_TEST

START_TEST(github_without_header_by_shape)
{
        struct fixture fx;
        struct event_list l;
        const char *detected;
        struct http_request req = one_header("X-GitHub-Event", "registry_package");

        load("github/package-published-multiarch.json", &fx);
        /* the header names the other event: its member is absent */
        fx.req = req;
        fx.has_req = true;
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), -EBADMSG);
        ck_assert_str_eq(detected, "github");
        event_list_free(&l);
        free(fx.buf);
}
END_TEST

START_TEST(form_without_content_type)
{
        struct fixture fx;
        struct event_list l;
        const char *detected;

        /* redock parse FILE has no headers: "payload=" says it is a form */
        load("github/package-published-form.http", &fx);
        fx.has_req = false;
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(detected, "github");
        ck_assert_uint_eq(l.n, 1);
        ck_assert_str_eq(l.v[0].repository, "acme/worker");
        event_list_free(&l);
        free(fx.buf);
}
END_TEST

START_TEST(json_with_form_content_type)
{
        struct http_request req = one_header("Content-Type", "application/x-www-form-urlencoded");
        struct event_list l = { 0 };
        const char *detected;
        const char *body = "{\"events\":[]}";

        /* curl -d labels raw JSON as a form: the body decides, not the label */
        ck_assert_int_eq(event_parse(body, strlen(body), "auto", &req, &detected, &l), 0);
        ck_assert_str_eq(detected, "distribution");
        ck_assert_uint_eq(l.n, 0);
        event_list_free(&l);
}
END_TEST

START_TEST(zot_needs_its_header)
{
        struct fixture fx;
        struct event_list l;
        const char *detected;

        load("zot/image-updated.http", &fx);
        fx.has_req = false;
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), -EPROTONOSUPPORT);
        ck_assert_int_eq(parse(&fx, "zot", &detected, &l), -EBADMSG);
        free(fx.buf);
}
END_TEST

START_TEST(distribution_by_content_type)
{
        struct http_request req = one_header("Content-Type",
                                             "application/vnd.docker.distribution.events.v1+json");
        struct event_list l = { 0 };
        const char *detected;

        /* the content type names the format even when the body is odd */
        ck_assert_int_eq(event_parse("{}", 2, "auto", &req, &detected, &l), -EBADMSG);
        ck_assert_str_eq(detected, "distribution");
}
END_TEST

START_TEST(nexus_other_webhooks)
{
        struct fixture fx;
        struct event_list l;
        const char *detected;
        struct http_request req = one_header("X-Nexus-Webhook-Id", "rm:repository:repository");

        load("nexus/component-created.json", &fx);
        fx.req = req;
        fx.has_req = true;
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(detected, "nexus");
        ck_assert_uint_eq(l.n, 0);
        free(fx.buf);
}
END_TEST

START_TEST(event_ids_kept)
{
        struct fixture fx;
        struct event_list l;
        const char *detected;

        load("zot/image-updated.http", &fx);
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(l.v[0].event_id, "5a0a7c1e-1111-4a3b-9a6e-000000000001");
        ck_assert_str_eq(l.v[0].media_type, "application/vnd.oci.image.manifest.v1+json");
        event_list_free(&l);
        free(fx.buf);

        load("github/package-published.http", &fx);
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(l.v[0].event_id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        ck_assert_str_eq(l.v[0].media_type, "application/vnd.oci.image.index.v1+json");
        event_list_free(&l);
        free(fx.buf);

        load("ecr/eventbridge-push.json", &fx);
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(l.v[0].event_id, "13cde686-328b-6117-af20-0e5566167482");
        event_list_free(&l);
        free(fx.buf);

        load("gar/pubsub-push-tagged.json", &fx);
        ck_assert_int_eq(parse(&fx, "auto", &detected, &l), 0);
        ck_assert_str_eq(l.v[0].event_id, "13579246801357");
        event_list_free(&l);
        free(fx.buf);
}
END_TEST

/* ---- limits ---- */

START_TEST(too_many_events)
{
        json_t *root = json_object(), *tags = json_array();
        struct event_list l = { 0 };
        const char *detected;
        char tag[16], *s;
        int r;

        json_object_set_new(root, "repository", json_string("team/app"));
        json_object_set_new(root, "docker_url", json_string("quay.io/team/app"));
        for (int i = 0; i < EVENTS_MAX; i++) {
                snprintf(tag, sizeof(tag), "t%d", i);
                json_array_append_new(tags, json_string(tag));
        }
        /* the same tag again collapses, it does not count */
        json_array_append_new(tags, json_string("t0"));
        json_object_set_new(root, "updated_tags", tags);
        s = json_dumps(root, 0);
        r = event_parse(s, strlen(s), "auto", NULL, &detected, &l);
        ck_assert_int_eq(r, 0);
        ck_assert_uint_eq(l.n, EVENTS_MAX);
        event_list_free(&l);
        free(s);

        json_array_append_new(tags, json_string("one-more"));
        s = json_dumps(root, 0);
        r = event_parse(s, strlen(s), "auto", NULL, &detected, &l);
        ck_assert_int_eq(r, -E2BIG);
        /* all or nothing */
        ck_assert_uint_eq(l.n, 0);
        event_list_free(&l);
        free(s);
        json_decref(root);
}
END_TEST

START_TEST(long_fields_refused)
{
        char tag[TAG_MAX + 1], body[512];
        struct event_list l = { 0 };
        const char *detected;

        memset(tag, 'a', TAG_MAX);
        tag[TAG_MAX] = '\0';
        snprintf(body, sizeof(body), "{\"docker_url\":\"quay.io/a/b\",\"repository\":\"a/b\","
                 "\"updated_tags\":[\"%s\"]}", tag);
        ck_assert_int_eq(event_parse(body, strlen(body), "auto", NULL, &detected, &l), -EBADMSG);
        tag[TAG_MAX - 1] = '\0';
        snprintf(body, sizeof(body), "{\"docker_url\":\"quay.io/a/b\",\"repository\":\"a/b\","
                 "\"updated_tags\":[\"%s\"]}", tag);
        ck_assert_int_eq(event_parse(body, strlen(body), "auto", NULL, &detected, &l), 0);
        ck_assert_uint_eq(l.n, 1);
        event_list_free(&l);
}
END_TEST

/* ---- hostile variants of every fixture ---- */

static void check_sane(const struct fixture_case *c, int r, const struct event_list *l)
{
        ck_assert_msg(r == 0 || r == -EBADMSG || r == -EPROTONOSUPPORT || r == -E2BIG,
                      "%s: unexpected %d", c->path, r);
        for (size_t i = 0; i < l->n; i++) {
                struct push_event ev;
                /* whatever came out passes validation again */
                ck_assert_int_eq(push_event_set(&ev, l->v[i].registry, l->v[i].repository,
                                                l->v[i].tag, l->v[i].digest,
                                                l->v[i].media_type, l->v[i].event_id), 0);
                ck_assert(format_tag_wanted(l->v[i].tag));
        }
}

static void parse_variant(const struct fixture_case *c, const struct fixture *fx,
                          const char *body, size_t len)
{
        struct event_list l;
        const char *detected;
        int r;

        memset(&l, 0, sizeof(l));
        r = event_parse(body, len, "auto", req_of(fx), &detected, &l);
        check_sane(c, r, &l);
        event_list_free(&l);
        r = event_parse(body, len, c->format, req_of(fx), &detected, &l);
        check_sane(c, r, &l);
        event_list_free(&l);
}

static void truncate_and_corrupt(const struct fixture_case *c)
{
        static const char bytes[] = { '"', '{', '[', '\\', '\0', (char)0xff, '}', ',' };
        struct fixture fx;
        char *copy;
        size_t step;

        load(c->path, &fx);
        /* every cut near the start, where the shapes are decided, then
         * cuts spread over the rest; tests/fuzz goes further */
        step = 1;
        for (size_t n = 0; n < fx.len; n += step) {
                parse_variant(c, &fx, fx.body, n);
                if (n >= 128)
                        step = fx.len / 128 + 1;
        }
        copy = malloc(fx.len + 1);
        ck_assert(copy);
        step = fx.len / 64 + 1;
        for (size_t pos = 0; pos < fx.len; pos += step) {
                for (size_t b = 0; b < sizeof(bytes); b++) {
                        memcpy(copy, fx.body, fx.len);
                        copy[pos] = bytes[b];
                        parse_variant(c, &fx, copy, fx.len);
                }
        }
        free(copy);
        free(fx.buf);
}

/* One test for all fixtures: forking for each is slow under ASan, and a
 * failure names its fixture. */
START_TEST(fixtures_truncated_and_corrupted)
{
        for (size_t i = 0; i < N_CASES; i++)
                truncate_and_corrupt(&cases[i]);
}
END_TEST

static size_t count_nodes(const json_t *v)
{
        size_t n = 0, i;
        const char *key;
        json_t *child;

        if (json_is_object(v)) {
                json_object_foreach((json_t *)v, key, child)
                        n += 1 + count_nodes(child);
        } else if (json_is_array(v)) {
                json_array_foreach(v, i, child)
                        n += 1 + count_nodes(child);
        }
        return n;
}

/* Replace the k-th value under v (pre-order) by rep; true when done. */
static bool replace_nth(json_t *v, size_t *k, json_t *rep)
{
        if (json_is_object(v)) {
                for (void *it = json_object_iter(v); it; it = json_object_iter_next(v, it)) {
                        if ((*k)-- == 0) {
                                json_object_iter_set_new(v, it, json_deep_copy(rep));
                                return true;
                        }
                        if (replace_nth(json_object_iter_value(it), k, rep))
                                return true;
                }
        } else if (json_is_array(v)) {
                for (size_t i = 0; i < json_array_size(v); i++) {
                        if ((*k)-- == 0) {
                                json_array_set_new(v, i, json_deep_copy(rep));
                                return true;
                        }
                        if (replace_nth(json_array_get(v, i), k, rep))
                                return true;
                }
        }
        return false;
}

static void swap_types(const struct fixture_case *c)
{
        json_t *reps[9];
        struct fixture fx;
        json_error_t jerr;
        json_t *root;
        size_t nodes;

        load(c->path, &fx);
        root = json_loadb(fx.body, fx.len, 0, &jerr);
        if (!root) {
                /* truncated fixtures and form bodies are covered elsewhere */
                free(fx.buf);
                return;
        }
        reps[0] = json_null();
        reps[1] = json_integer(-1);
        reps[2] = json_real(1.5);
        reps[3] = json_true();
        reps[4] = json_string("");
        reps[5] = json_string("sha256:");
        reps[6] = json_string("../x");
        reps[7] = json_array();
        reps[8] = json_object();
        nodes = count_nodes(root);
        for (size_t k = 0; k < nodes; k++) {
                for (size_t r = 0; r < sizeof(reps) / sizeof(reps[0]); r++) {
                        json_t *copy = json_deep_copy(root);
                        size_t left = k;
                        char *s;

                        ck_assert(replace_nth(copy, &left, reps[r]));
                        s = json_dumps(copy, JSON_COMPACT);
                        ck_assert(s);
                        parse_variant(c, &fx, s, strlen(s));
                        free(s);
                        json_decref(copy);
                }
        }
        for (size_t r = 0; r < sizeof(reps) / sizeof(reps[0]); r++)
                json_decref(reps[r]);
        json_decref(root);
        free(fx.buf);
}

START_TEST(fixtures_values_of_other_types)
{
        for (size_t i = 0; i < N_CASES; i++)
                swap_types(&cases[i]);
}
END_TEST

Suite *formats_suite(void)
{
        Suite *s = suite_create("formats");
        TCase *tc = tcase_create("fixtures");
        TCase *hostile = tcase_create("hostile");
        TCase *helpers = tcase_create("helpers");

        tcase_add_loop_test(tc, fixture, 0, (int)N_CASES);
        tcase_add_test(tc, every_fixture_is_tested);
        tcase_add_test(tc, every_format_has_a_push);
        tcase_add_test(tc, format_names);
        tcase_add_test(tc, unknown_format_and_bodies);
        tcase_add_test(tc, deep_nesting_refused);
        tcase_add_test(tc, gitea_header_beats_github_header);
        tcase_add_test(tc, github_without_header_by_shape);
        tcase_add_test(tc, form_without_content_type);
        tcase_add_test(tc, json_with_form_content_type);
        tcase_add_test(tc, zot_needs_its_header);
        tcase_add_test(tc, distribution_by_content_type);
        tcase_add_test(tc, nexus_other_webhooks);
        tcase_add_test(tc, event_ids_kept);
        tcase_add_test(tc, too_many_events);
        tcase_add_test(tc, long_fields_refused);
        suite_add_tcase(s, tc);

        tcase_add_test(helpers, tags_wanted);
        tcase_add_test(helpers, add_validates);
        tcase_add_test(helpers, url_hosts);
        tcase_add_test(helpers, references);
        tcase_add_test(helpers, form_bodies);
        suite_add_tcase(s, helpers);

        /* every fixture many times over, and again under the sanitizers */
        tcase_set_timeout(hostile, 300);
        tcase_add_test(hostile, fixtures_truncated_and_corrupted);
        tcase_add_test(hostile, fixtures_values_of_other_types);
        suite_add_tcase(s, hostile);
        return s;
}

CHECK_MAIN(formats_suite)
