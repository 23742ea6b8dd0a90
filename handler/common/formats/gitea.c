/* Gitea and Forgejo package webhooks:
 * {"action": "created", "package": {"type": "container", "name": "app",
 *   "version": "latest", "owner": {"login": "team"},
 *   "html_url": "https://git.example.com/team/-/packages/container/app/latest"}}
 *
 * The image is <host of html_url>/<owner>/<name>:<version>.  Gitea sends
 * one event per manifest PUT, the children of a multi-arch push with
 * version "sha256:...", and lowercases versions.  It also sends
 * X-GitHub-Event, so the Gitea/Forgejo/Gogs header wins. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"

static const char *gitea_event(const struct http_request *req)
{
        const char *e = format_header(req, "X-Gitea-Event");

        if (!e)
                e = format_header(req, "X-Forgejo-Event");
        if (!e)
                e = format_header(req, "X-Gogs-Event");
        return e;
}

static bool gitea_detect(const json_t *root, const struct http_request *req)
{
        if (gitea_event(req))
                return true;
        /* GitHub's package has package_type, Gitea's type and version */
        return json_path_str(root, "package.type") &&
               json_path_str(root, "package.version");
}

static int gitea_parse(const json_t *root, const struct http_request *req,
                       struct event_list *out)
{
        const char *event = gitea_event(req);
        const json_t *pkg = json_object_get(root, "package");
        const char *action = json_path_str(root, "action");
        const char *type = json_path_str(pkg, "type");
        const char *owner = json_path_str(pkg, "owner.login");
        const char *name = json_path_str(pkg, "name");
        const char *version = json_path_str(pkg, "version");
        const char *url = json_path_str(pkg, "html_url");
        const char *delivery = format_header(req, "X-Gitea-Delivery");
        char host[REGISTRY_HOST_MAX], buf[REPOSITORY_MAX], repo[REPOSITORY_MAX];
        int n;

        if (event && strcmp(event, "package") != 0)
                return 0;
        if (!json_is_object(pkg) || !action || !type)
                return -EBADMSG;
        if (strcmp(action, "created") != 0 || strcmp(type, "container") != 0)
                return 0;
        if (!owner || !name || !version || !url)
                return -EBADMSG;
        if (!format_tag_wanted(version))
                return 0;
        n = snprintf(buf, sizeof(buf), "%s/%s", owner, name);
        if (n < 0 || (size_t)n >= sizeof(buf) ||
            format_lower(repo, sizeof(repo), buf) < 0 ||
            format_url_host(url, host, sizeof(host)) < 0)
                return -EBADMSG;
        if (!delivery)
                delivery = format_header(req, "X-Forgejo-Delivery");
        return format_add(out, host, repo, version, NULL, NULL, delivery);
}

const struct format format_gitea = {
        .name = "gitea",
        .detect = gitea_detect,
        .parse = gitea_parse,
};
