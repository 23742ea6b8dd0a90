/* registry-tags: registry_list_tags() from the command line, for the
 * integration tests (redock's own verbs do not list tags yet: the tag
 * policies will, through the same call).
 *
 *   registry-tags CONFIG HOST REPOSITORY [PAGE]
 *
 * Prints each tag on a line, then "requests N" on stderr; exit 0, or 1
 * with the registry's error logged. */
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "config.h"
#include "log.h"
#include "registry.h"

int main(int argc, char **argv)
{
        struct registry_target t;
        struct registry_conn *c = NULL;
        struct config cfg;
        char **tags = NULL;
        size_t n = 0;
        int r;

        if (argc < 4 || argc > 5) {
                fputs("usage: registry-tags CONFIG HOST REPOSITORY [PAGE]\n", stderr);
                return 2;
        }
        log_init();
        curl_global_init(CURL_GLOBAL_DEFAULT);
        if (config_load(argv[1], &cfg, stderr) != 0)
                return 1;
        r = registry_target(&cfg, argv[2], argv[3], &t);
        if (r == 0)
                r = registry_open(&cfg, &t, &c);
        if (r == 0)
                r = registry_list_tags(c, argc == 5 ? (unsigned)strtoul(argv[4], NULL, 10) : 0, &tags, &n);
        for (size_t i = 0; r == 0 && i < n; i++)
                printf("%s\n", tags[i]);
        if (c)
                fprintf(stderr, "requests %u\n", registry_requests(c));
        registry_tags_free(tags, n);
        registry_close(c);
        config_free(&cfg);
        curl_global_cleanup();
        return r == 0 ? 0 : 1;
}
