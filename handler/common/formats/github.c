/* GitHub "package" and "registry_package" webhooks for the container
 * registry (ghcr.io):
 * {"action": "published", "package": {"package_type": "CONTAINER",
 *   "package_version": {"package_url": "ghcr.io/Owner/name:tag",
 *     "container_metadata": {"tag": {"name": ..., "digest": ...}}}}}
 *
 * The event name is in X-GitHub-Event (ping, push, ... are not pushes).
 * GitHub names owners with their case; image names are lowercase.  An
 * untagged manifest comes with an empty tag name and a package_url that
 * ends in ':'.  A form-encoded body is unwrapped in event_parse(). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats.h"

static bool github_detect(const json_t *root, const struct http_request *req)
{
        const json_t *pkg = json_object_get(root, "package");

        if (format_header(req, "X-GitHub-Event"))
                return true;
        /* Gitea's package has no package_version */
        return json_is_object(json_object_get(root, "registry_package")) ||
               json_is_object(json_object_get(pkg, "package_version"));
}

static bool is_container(const json_t *pkg)
{
        const char *kinds[] = { "package_type", "ecosystem" };

        for (size_t i = 0; i < 2; i++) {
                const char *k = json_path_str(pkg, kinds[i]);
                if (k && (strcasecmp(k, "container") == 0 ||
                          strcasecmp(k, "docker") == 0))
                        return true;
        }
        return false;
}

/* ghcr.io/owner/name from package_url, or from the owner and package
 * name when an older payload has no package_url */
static int image_name(const json_t *pkg, const json_t *version,
                      char *host, size_t host_len, char *repo, size_t repo_len)
{
        const char *url = json_path_str(version, "package_url");
        const char *owner = json_path_str(pkg, "owner.login");
        const char *name = json_path_str(pkg, "name");
        char buf[IMAGE_REF_MAX];
        struct format_ref ref = { 0 };
        int n;

        if (url) {
                if (format_lower(buf, sizeof(buf), url) < 0 ||
                    format_ref_split(buf, &ref) < 0)
                        return -EBADMSG;
        } else {
                if (!owner || !name)
                        return -EBADMSG;
                n = snprintf(buf, sizeof(buf), "%s/%s", owner, name);
                if (n < 0 || (size_t)n >= sizeof(buf))
                        return -EBADMSG;
                snprintf(ref.host, sizeof(ref.host), "ghcr.io");
                if (format_lower(ref.repository, sizeof(ref.repository), buf) < 0)
                        return -EBADMSG;
        }
        snprintf(host, host_len, "%s", ref.host);
        snprintf(repo, repo_len, "%s", ref.repository);
        return 0;
}

static int github_parse(const json_t *root, const struct http_request *req,
                        struct event_list *out)
{
        const char *event = format_header(req, "X-GitHub-Event");
        const char *action = json_path_str(root, "action");
        const json_t *pkg, *version;
        const char *tag;
        char host[REGISTRY_HOST_MAX], repo[REPOSITORY_MAX];

        if (event && strcmp(event, "package") != 0 &&
            strcmp(event, "registry_package") != 0)
                return 0;
        pkg = json_object_get(root, event ? event : "package");
        if (!event && !pkg)
                pkg = json_object_get(root, "registry_package");
        if (!json_is_object(pkg) || !action)
                return -EBADMSG;
        if (strcmp(action, "published") != 0 && strcmp(action, "updated") != 0)
                return 0;
        if (!is_container(pkg))
                return 0;
        version = json_object_get(pkg, "package_version");
        if (!json_is_object(version))
                return -EBADMSG;
        tag = json_path_str(version, "container_metadata.tag.name");
        if (!format_tag_wanted(tag))
                return 0;
        if (image_name(pkg, version, host, sizeof(host), repo, sizeof(repo)) < 0)
                return -EBADMSG;
        return format_add(out, host, repo, tag,
                          json_path_str(version, "container_metadata.tag.digest"),
                          json_path_str(version, "container_metadata.manifest.media_type"),
                          format_header(req, "X-GitHub-Delivery"));
}

const struct format format_github = {
        .name = "github",
        .detect = github_detect,
        .parse = github_parse,
};
