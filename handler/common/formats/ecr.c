/* Amazon ECR through EventBridge (an API destination POSTs the event):
 * {"source": "aws.ecr", "detail-type": "ECR Image Action", "account": "123456789012",
 *  "region": "eu-west-1", "detail": {"action-type": "PUSH", "result": "SUCCESS",
 *  "repository-name": "team/app", "image-tag": "1.0", "image-digest": "sha256:..."}}
 *
 * Only successful pushes count; scans, deletes, replication and pull
 * through cache actions do not.  Manifests pushed by digest (multi-arch
 * children) have no image-tag.  The host is the account's registry. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "formats.h"

static bool ecr_detect(const json_t *root, const struct http_request *req)
{
        const char *source = json_path_str(root, "source");

        (void)req;
        return source && strcmp(source, "aws.ecr") == 0 &&
               json_path_str(root, "detail-type");
}

static int ecr_parse(const json_t *root, const struct http_request *req,
                     struct event_list *out)
{
        const char *type = json_path_str(root, "detail-type");
        const json_t *detail = json_object_get(root, "detail");
        const char *action = json_path_str(detail, "action-type");
        const char *result = json_path_str(detail, "result");
        const char *account = json_path_str(root, "account");
        const char *region = json_path_str(root, "region");
        const char *repo = json_path_str(detail, "repository-name");
        const char *tag = json_path_str(detail, "image-tag");
        char host[REGISTRY_HOST_MAX];
        int n;
        (void)req;

        if (!type || !json_is_object(detail))
                return -EBADMSG;
        if (strcmp(type, "ECR Image Action") != 0)
                return 0;
        if (!action || !result)
                return -EBADMSG;
        if (strcmp(action, "PUSH") != 0 || strcmp(result, "SUCCESS") != 0 ||
            !format_tag_wanted(tag))
                return 0;
        /* the account is 12 digits; it becomes part of a host name */
        if (!repo || !account || !region || strlen(account) != 12 ||
            strspn(account, "0123456789") != 12)
                return -EBADMSG;
        /* China regions are under amazonaws.com.cn */
        n = snprintf(host, sizeof(host), "%s.dkr.ecr.%s.amazonaws.com%s", account,
                     region, strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
        if (n < 0 || (size_t)n >= sizeof(host))
                return -EBADMSG;
        return format_add(out, host, repo, tag,
                          json_path_str(detail, "image-digest"),
                          json_path_str(detail, "manifest-media-type"),
                          json_path_str(root, "id"));
}

const struct format format_ecr = {
        .name = "ecr",
        .detect = ecr_detect,
        .parse = ecr_parse,
};
