/* regauth: registry credentials for pulls, as X-Registry-Auth values.
 *
 * Looked up, first match wins: a [registry HOST] section of redock.conf;
 * then the Docker config.json (cfg->docker_config): credHelpers[HOST],
 * auths[HOST] ("auth": base64 user:password), credsStore -- the helpers
 * are the docker-credential-NAME programs, run with "get" and the server
 * address on stdin, as the docker CLI runs them.  Docker Hub is looked up
 * under "https://index.docker.io/v1/" as well as "docker.io". */
#pragma once

#include "config.h"

/* On success returns 0 and sets *out to the header value (base64url of
 * {"username","password","serveraddress"}, or of {"identitytoken"}), to be
 * freed with regauth_free(); *out is NULL when no credentials are known
 * for host.  Returns -errno when a helper or the file fails (logged,
 * secrets never). */
int regauth_for_host(const struct config *cfg, const char *host, char **out);

/* Wipes and frees a value from regauth_for_host(). */
void regauth_free(char *value);
