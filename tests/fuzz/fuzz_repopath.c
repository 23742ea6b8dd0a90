/* Fuzz the operator API's repository paths: repos_parse_path()
 * (handler/engine/repos.c), what /tags/<repo>[/reset] hands it.
 *
 * Input: the path after /tags/, up to the first NUL.  What it accepts is
 * a repository in imageref's grammar, with a host that is one, and a key
 * "HOST/REPOSITORY" that imageref parses back to the same host and
 * repository. */
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "fuzz.h"
#include "imageref.h"
#include "repos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *s = fuzz_strndup(data, size);
        char host[REGISTRY_HOST_MAX], repository[REPOSITORY_MAX], key[REPO_KEY_MAX + 8];
        struct imageref ref;
        bool reset;

        if (repos_parse_path(s, host, sizeof(host), repository, sizeof(repository), &reset) == 0) {
                FUZZ_ASSERT(imageref_valid_repository(repository));
                FUZZ_ASSERT(!reset || strlen(s) > 6);
                if (host[0]) {
                        FUZZ_ASSERT(imageref_valid_host(host));
                        FUZZ_ASSERT(snprintf(key, sizeof(key), "%s/%s", host, repository) < (int)sizeof(key));
                        FUZZ_ASSERT(imageref_parse(key, &ref) == 0);
                        FUZZ_ASSERT(strcmp(ref.registry, host) == 0 && strcmp(ref.repository, repository) == 0);
                }
        } else {
                FUZZ_ASSERT(host[0] == '\0' && repository[0] == '\0');
        }
        free(s);
        return 0;
}
