/* Fuzz the webhook authentication (handler/hook/auth.c) against fixed sources
 * (one per scheme: token with a token header and allow-from, GitHub
 * sha256 hex with a prefix, an HMAC-SHA512 in base64, Nexus's SHA-1,
 * JFrog), loaded once through config_load().
 *
 * Input: the peer address on the first line, then a request: head
 * (parsed by http_parse_head()), empty line, body.  Every source checks
 * it.  The seeds in tests/fuzz/corpus/auth hold requests that pass, so
 * the fuzzer starts from both sides of each check. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "fuzz.h"
#include "http.h"

static const char config_text[] =
        "[source tok]\n"
        "token = s3cret-Token\n"
        "token-header = X-Gitlab-Token\n"
        "allow-from = 127.0.0.0/8, ::1, 10.1.0.0/16, 2001:db8::/32\n"
        "[source gh]\n"
        "token = gh-key\n"
        "auth = github\n"
        "[source b64]\n"
        "token = b64-key\n"
        "auth = hmac\n"
        "hmac-header = X-Signature\n"
        "hmac-algorithm = sha512\n"
        "hmac-encoding = base64\n"
        "[source nexus]\n"
        "token = nexus-key\n"
        "auth = nexus\n"
        "[source jfrog]\n"
        "token = jfrog-key\n"
        "auth = jfrog\n";

static struct config cfg;

static void load_config(void)
{
        char path[] = "/tmp/redock-fuzz-auth.XXXXXX";
        int fd = mkstemp(path);
        int r;

        if (fd < 0 || write(fd, config_text, sizeof(config_text) - 1) != (ssize_t)(sizeof(config_text) - 1)) {
                perror("fuzz_auth: config");
                abort();
        }
        close(fd);
        r = config_load(path, &cfg, stderr);
        unlink(path);
        if (r != 0 || cfg.n_sources != 5)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct http_request req = { 0 };
        char *in = fuzz_strndup(data, size), *nl = memchr(in, '\n', size);
        const char *body;
        size_t rest;
        long hl;

        if (!cfg.n_sources)
                load_config();
        if (!nl)
                goto out;
        *nl = '\0';
        rest = size - (size_t)(nl + 1 - in);
        hl = fuzz_head_end(nl + 1, rest, &body);
        if (hl < 0 || http_parse_head(nl + 1, (size_t)hl, &req) != 0)
                goto out;
        snprintf(req.remote_addr, sizeof(req.remote_addr), "%s", in);
        req.body_len = rest - (size_t)(body - (nl + 1));
        req.body = fuzz_strndup((const uint8_t *)body, req.body_len);

        for (size_t i = 0; i < cfg.n_sources; i++) {
                bool ok = auth_check(&cfg.sources[i], &req);
#ifdef FUZZ_DEBUG
                fprintf(stderr, "%s: %s\n", cfg.sources[i].name, ok ? "accepted" : "refused");
#endif
                (void)ok;
        }
out:
        http_request_free(&req);
        free(in);
        return 0;
}
