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

/* What a lookup found; every member is ours and wiped by
 * regauth_cred_clear().  Either username and password, or an
 * identitytoken (an OAuth2 refresh token, from docker login to some
 * registries). */
struct regauth_cred {
        char *username;
        char *password;
        char *identitytoken;
        const char *from;       /* where it came from, for the log (static) */
};

/* The same lookup, as the credentials themselves, for redock's own
 * registry client (registry.c): 1 with out filled, 0 when none are known
 * for host, -errno as above.  Clear out with regauth_cred_clear() in
 * every case. */
int regauth_lookup(const struct config *cfg, const char *host, struct regauth_cred *out);
void regauth_cred_clear(struct regauth_cred *c);

/* Wipes and frees a value from regauth_for_host(). */
void regauth_free(char *value);
