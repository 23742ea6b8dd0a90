/* regauth: registry credentials for pulls, as X-Registry-Auth values.
 *
 * Every copy of a secret this module makes -- the config.json text, the
 * helper's answer, the decoded "auth", jansson's own strings and the
 * JSON before it is encoded -- is wiped before its memory is released.
 * jansson's copies are covered by wiping allocator functions installed
 * for the duration of one regauth_for_host() call (redock is single
 * threaded). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <nettle/base64.h>

#include "base64.h"
#include "clock.h"
#include "imageref.h"
#include "bounds.h"
#include "log.h"
#include "regauth.h"

#define HUB_HOST        "docker.io"
#define HUB_SERVER      "https://index.docker.io/v1/"

#define cred regauth_cred

static void wipe_free(char *s)
{
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
}

static void cred_clear(struct cred *c)
{
        wipe_free(c->username);
        wipe_free(c->password);
        wipe_free(c->identitytoken);
        c->username = c->password = c->identitytoken = NULL;
}

/* jansson's free while a lookup runs: wipe the whole block first */
static void wiping_free(void *p)
{
        if (p) {
                explicit_bzero(p, malloc_usable_size(p));
                free(p);
        }
}

/* "https://Host:5000/v1/" -> "host:5000", Docker Hub's names -> "docker.io".
 * False when in is too long to be a host (it then matches nothing). */
static bool norm_host(const char *in, char *out, size_t size)
{
        size_t n;

        if (strncasecmp(in, "https://", 8) == 0)
                in += 8;
        else if (strncasecmp(in, "http://", 7) == 0)
                in += 7;
        n = strcspn(in, "/");
        if (n >= size)
                return false;
        memcpy(out, in, n);
        out[n] = '\0';
        imageref_normalise_host(out);
        return true;
}

static bool host_matches(const char *key, const char *want)
{
        char k[REGISTRY_HOST_MAX];

        return norm_host(key, k, sizeof(k)) && strcmp(k, want) == 0;
}

/* Base64 (RFC 4648 §4), padding optional, into a NUL-terminated string
 * that the caller wipes.  -EINVAL on anything else. */
static int b64_decode(const char *in, char **out)
{
        size_t n = strlen(in);
        char *buf = malloc(BASE64_DECODED_MAX(n) + 1);
        long len;

        if (!buf)
                return -ENOMEM;
        len = base64_decode(in, n, (unsigned char *)buf);
        if (len < 0) {
                explicit_bzero(buf, BASE64_DECODED_MAX(n) + 1);
                free(buf);
                return -EINVAL;
        }
        buf[len] = '\0';
        *out = buf;
        return 0;
}

/* Read a whole regular file of at most DOCKER_CONFIG_MAX bytes.  The
 * caller wipes and frees *out.  -ENOENT when it is not there. */
static int read_small_file(const char *path, char **out, size_t *len)
{
        struct stat st;
        char *buf = NULL;
        size_t n = 0;
        int fd, r = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                r = -EINVAL;
                goto out;
        }
        if (st.st_size > DOCKER_CONFIG_MAX) {
                r = -EFBIG;
                goto out;
        }
        buf = malloc(DOCKER_CONFIG_MAX + 1);
        if (!buf) {
                r = -ENOMEM;
                goto out;
        }
        for (;;) {
                ssize_t k = read(fd, buf + n, DOCKER_CONFIG_MAX + 1 - n);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        goto out;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n > DOCKER_CONFIG_MAX) {
                        r = -EFBIG;
                        goto out;
                }
        }
        buf[n] = '\0';
        *out = buf;
        *len = n;
        buf = NULL;
out:
        if (buf) {
                explicit_bzero(buf, n);
                free(buf);
        }
        close(fd);
        return r;
}

static bool helper_name_valid(const char *name)
{
        size_t n = strlen(name);

        return n > 0 && n <= CRED_HELPER_NAME_MAX &&
               strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n &&
               name[0] != '.' && name[0] != '-';
}

static void kill_helper(pid_t pid)
{
        int st;

        /* its own process group: whatever it started goes too */
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
                ;
}

/* Run docker-credential-NAME get with server on stdin, as the docker CLI
 * does.  On success returns 0 with its stdout in *out (NUL-terminated,
 * at most CRED_HELPER_OUTPUT_MAX bytes; the caller wipes it) and its
 * exit status in *status.  Its stderr goes to /dev/null: helpers may
 * echo what they were given. */
static int run_helper(const char *name, const char *server, char **out, int *status)
{
        char prog[sizeof("docker-credential-") + CRED_HELPER_NAME_MAX];
        int in[2] = { -1, -1 }, o[2] = { -1, -1 }, r = 0, st = 0;
        size_t len = strlen(server), n = 0;
        char *buf = NULL;
        long long deadline = now_ms() + CRED_HELPER_TIMEOUT_MS;
        pid_t pid;

        if (!helper_name_valid(name) || len >= PIPE_BUF)
                return -EINVAL;
        snprintf(prog, sizeof(prog), "docker-credential-%s", name);
        buf = malloc(CRED_HELPER_OUTPUT_MAX + 1);
        if (!buf)
                return -ENOMEM;
        if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0) {
                r = -errno;
                goto out;
        }
        /* the address fits in an empty pipe, so this never blocks, and
         * the helper cannot have closed its end yet (no SIGPIPE) */
        if (write(in[1], server, len) != (ssize_t)len) {
                r = -EIO;
                goto out;
        }
        close(in[1]);
        in[1] = -1;

        pid = fork();
        if (pid < 0) {
                r = -errno;
                goto out;
        }
        if (pid == 0) {
                char *argv[] = { prog, (char *)"get", NULL };
                /* above 2 first, in case 0..2 were closed and the pipes
                 * got those numbers */
                int fin = fcntl(in[0], F_DUPFD_CLOEXEC, 3);
                int fout = fcntl(o[1], F_DUPFD_CLOEXEC, 3);
                int fnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

                setpgid(0, 0);
                if (fin < 0 || fout < 0 || dup2(fin, 0) < 0 || dup2(fout, 1) < 0)
                        _exit(127);
                if (fnull >= 0)
                        dup2(fnull, 2);
                else
                        close(2);
                signal(SIGPIPE, SIG_DFL);
                execvp(prog, argv);
                _exit(127);
        }
        close(in[0]);
        in[0] = -1;
        close(o[1]);
        o[1] = -1;

        for (;;) {
                struct pollfd pfd = { .fd = o[0], .events = POLLIN };
                long long left = deadline - now_ms();
                ssize_t k;
                int p;

                if (left <= 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                p = poll(&pfd, 1, (int)left);
                if (p < 0 && errno == EINTR)
                        continue;
                if (p < 0) {
                        r = -errno;
                        break;
                }
                if (p == 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                k = read(o[0], buf + n, CRED_HELPER_OUTPUT_MAX + 1 - n);
                if (k < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (k < 0) {
                        r = -errno;
                        break;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n > CRED_HELPER_OUTPUT_MAX) {
                        r = -EMSGSIZE;
                        break;
                }
        }
        if (r < 0) {
                kill_helper(pid);
                goto out;
        }
        /* output is over; give it the rest of the time to exit */
        for (;;) {
                pid_t w = waitpid(pid, &st, WNOHANG);

                if (w == pid)
                        break;
                if (w < 0 && errno != EINTR) {
                        r = -errno;
                        goto out;
                }
                if (now_ms() >= deadline) {
                        kill_helper(pid);
                        r = -ETIMEDOUT;
                        goto out;
                }
                nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
        }
        buf[n] = '\0';
        if (WIFEXITED(st))
                *status = WEXITSTATUS(st);
        else
                *status = 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        *out = buf;
        buf = NULL;
out:
        if (buf) {
                explicit_bzero(buf, n);
                free(buf);
        }
        for (int i = 0; i < 2; i++) {
                if (in[i] >= 0)
                        close(in[i]);
                if (o[i] >= 0)
                        close(o[i]);
        }
        return r;
}

/* Ask a helper; 1 with c filled, 0 when it knows nothing for server,
 * -errno when it failed. */
static int from_helper(const char *name, const char *server, struct cred *c)
{
        char *text = NULL;
        json_t *j = NULL;
        const char *user, *secret;
        int status = 0, r;

        r = run_helper(name, server, &text, &status);
        if (r < 0) {
                log_msg(LOG_WARNING, "credential helper docker-credential-%s for %s: %s",
                        name, server, r == -ETIMEDOUT ? "no answer in time" :
                        r == -EMSGSIZE ? "answer too long" : strerror(-r));
                return r;
        }
        if (status != 0) {
                /* what the docker-credential-helpers print for "no entry" */
                if (status == 1 && strstr(text, "credentials not found")) {
                        r = 0;
                        goto out;
                }
                /* its output is not logged: it may hold what it was given */
                if (status == 127)
                        log_msg(LOG_WARNING, "credential helper docker-credential-%s: not found on PATH", name);
                else
                        log_msg(LOG_WARNING, "credential helper docker-credential-%s for %s failed (exit status %d)",
                                name, server, status);
                r = status == 127 ? -ENOENT : -EIO;
                goto out;
        }
        j = json_loads(text, 0, NULL);
        if (!json_is_object(j)) {
                log_msg(LOG_WARNING, "credential helper docker-credential-%s for %s: answer is not a JSON object",
                        name, server);
                r = -EPROTO;
                goto out;
        }
        user = json_string_value(json_object_get(j, "Username"));
        secret = json_string_value(json_object_get(j, "Secret"));
        if (!secret || !*secret) {
                r = 0;
                goto out;
        }
        if (user && strcmp(user, "<token>") == 0)
                c->identitytoken = strdup(secret);
        else {
                c->username = strdup(user ? user : "");
                c->password = strdup(secret);
        }
        r = c->identitytoken || (c->username && c->password) ? 1 : -ENOMEM;
out:
        json_decref(j);
        if (text) {
                explicit_bzero(text, strlen(text));
                free(text);
        }
        return r;
}

/* One auths entry: 1 when it holds credentials, 0 when it is empty (a
 * credsStore placeholder), -errno when it is malformed. */
static int from_auths_entry(const json_t *e, struct cred *c)
{
        const char *auth = json_string_value(json_object_get(e, "auth"));
        const char *tok = json_string_value(json_object_get(e, "identitytoken"));
        const char *user = json_string_value(json_object_get(e, "username"));
        const char *pass = json_string_value(json_object_get(e, "password"));

        if (tok && *tok) {
                c->identitytoken = strdup(tok);
                return c->identitytoken ? 1 : -ENOMEM;
        }
        if (auth && *auth) {
                char *plain = NULL, *colon;
                int r = b64_decode(auth, &plain);

                if (r < 0)
                        return r;
                colon = strchr(plain, ':');
                if (!colon || colon == plain) {
                        wipe_free(plain);
                        return -EINVAL;
                }
                *colon = '\0';
                c->username = strdup(plain);
                c->password = strdup(colon + 1);
                *colon = ':';
                wipe_free(plain);
                return c->username && c->password ? 1 : -ENOMEM;
        }
        if (user && *user && pass && *pass) {
                c->username = strdup(user);
                c->password = strdup(pass);
                return c->username && c->password ? 1 : -ENOMEM;
        }
        return 0;
}

/* The Docker config.json: credHelpers, then auths, then credsStore.
 * want is the normalised host, server the address helpers are asked for
 * (Docker Hub's index URL for the Hub). */
static int from_docker_config(const char *path, const char *want, const char *server,
                              struct cred *c)
{
        char *text = NULL;
        size_t len = 0;
        json_t *j = NULL, *v;
        const char *key, *store;
        json_error_t err;
        int r;

        r = read_small_file(path, &text, &len);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0;       /* no config.json: no credentials */
        if (r < 0) {
                log_msg(LOG_WARNING, "docker config %s: %s", path,
                        r == -EFBIG ? "too large" : r == -EINVAL ? "not a regular file" : strerror(-r));
                return r;
        }
        j = json_loadb(text, len, 0, &err);
        if (text)       /* always set here; the analyzer cannot know errno != 0 */
                explicit_bzero(text, len);
        free(text);
        if (!json_is_object(j)) {
                /* err.text may quote the file: only the position */
                if (j)
                        log_msg(LOG_WARNING, "docker config %s: not a JSON object", path);
                else
                        log_msg(LOG_WARNING, "docker config %s: JSON syntax error at line %d", path, err.line);
                r = -EINVAL;
                goto out;
        }

        json_object_foreach(json_object_get(j, "credHelpers"), key, v) {
                if (!json_is_string(v) || !host_matches(key, want))
                        continue;
                r = from_helper(json_string_value(v),
                                strcmp(want, HUB_HOST) == 0 ? HUB_SERVER : key, c);
                if (r != 0) {
                        c->from = "a credHelpers helper";
                        goto out;
                }
        }
        json_object_foreach(json_object_get(j, "auths"), key, v) {
                if (!json_is_object(v) || !host_matches(key, want))
                        continue;
                r = from_auths_entry(v, c);
                if (r < 0)
                        log_msg(LOG_WARNING, "docker config %s: unusable auths entry for %s", path, want);
                if (r != 0) {
                        c->from = "config.json auths";
                        goto out;
                }
        }
        store = json_string_value(json_object_get(j, "credsStore"));
        if (store && *store) {
                r = from_helper(store, server, c);
                c->from = "the credsStore helper";
        }
out:
        json_decref(j);
        return r;
}

/* [registry HOST] sections of redock.conf */
static int from_config(const struct config *cfg, const char *want, struct cred *c)
{
        for (size_t i = 0; i < cfg->n_creds; i++) {
                const struct registry_cred *rc = &cfg->creds[i];

                if (!rc->host || !rc->username || !rc->password || !host_matches(rc->host, want))
                        continue;
                c->username = strdup(rc->username);
                c->password = strdup(rc->password);
                c->from = "redock.conf";
                return c->username && c->password ? 1 : -ENOMEM;
        }
        return 0;
}

/* base64url (RFC 4648 §5, padded) of the JSON Docker expects */
static int encode_header(const struct cred *c, const char *server, char **out)
{
        json_t *o;
        char *js, *enc;
        size_t n;
        int len;

        if (c->identitytoken)
                o = json_pack("{s:s, s:s}", "identitytoken", c->identitytoken,
                              "serveraddress", server);
        else
                o = json_pack("{s:s, s:s, s:s}", "username", c->username,
                              "password", c->password, "serveraddress", server);
        if (!o)
                return -EINVAL;         /* e.g. not UTF-8 */
        js = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        if (!js)
                return -ENOMEM;
        n = strlen(js);
        enc = malloc(BASE64_ENCODE_RAW_LENGTH(n) + 1);
        if (!enc) {
                wipe_free(js);
                return -ENOMEM;
        }
        base64_encode_raw(enc, n, (const uint8_t *)js);
        len = (int)BASE64_ENCODE_RAW_LENGTH(n);
        enc[len] = '\0';
        wipe_free(js);
        for (int i = 0; i < len; i++)
                if (enc[i] == '+')
                        enc[i] = '-';
                else if (enc[i] == '/')
                        enc[i] = '_';
        *out = enc;
        return 0;
}

/* The lookup both callers share: 1 with c filled, 0 none, -errno.
 * want is the normalised host, server what helpers are asked for. */
static int lookup(const struct config *cfg, const char *host, char *want, size_t size,
                  const char **server, struct cred *c)
{
        json_malloc_t saved_malloc;
        json_free_t saved_free;
        int r;

        if (!norm_host(host && *host ? host : HUB_HOST, want, size))
                return 0;       /* no host this long has credentials */
        *server = strcmp(want, HUB_HOST) == 0 ? HUB_SERVER : want;
        json_get_alloc_funcs(&saved_malloc, &saved_free);
        json_set_alloc_funcs(malloc, wiping_free);
        r = from_config(cfg, want, c);
        if (r == 0 && cfg->docker_config && *cfg->docker_config)
                r = from_docker_config(cfg->docker_config, want, *server, c);
        json_set_alloc_funcs(saved_malloc, saved_free);
        if (r <= 0)
                cred_clear(c);
        return r;
}

int regauth_for_host(const struct config *cfg, const char *host, char **out)
{
        char want[REGISTRY_HOST_MAX];
        const char *server = NULL;
        struct cred c = { 0 };
        json_malloc_t saved_malloc;
        json_free_t saved_free;
        int r;

        *out = NULL;
        r = lookup(cfg, host, want, sizeof(want), &server, &c);
        if (r > 0) {
                json_get_alloc_funcs(&saved_malloc, &saved_free);
                json_set_alloc_funcs(malloc, wiping_free);
                r = encode_header(&c, server, out);
                json_set_alloc_funcs(saved_malloc, saved_free);
                if (r == 0)
                        log_msg(LOG_DEBUG, "registry credentials for %s from %s", want, c.from);
        }
        cred_clear(&c);
        return r < 0 ? r : 0;
}

int regauth_lookup(const struct config *cfg, const char *host, struct regauth_cred *out)
{
        char want[REGISTRY_HOST_MAX];
        const char *server = NULL;
        int r;

        memset(out, 0, sizeof(*out));
        r = lookup(cfg, host, want, sizeof(want), &server, out);
        if (r > 0)
                log_msg(LOG_DEBUG, "registry credentials for %s from %s", want, out->from);
        return r;
}

void regauth_cred_clear(struct regauth_cred *c)
{
        cred_clear(c);
}

void regauth_free(char *value)
{
        wipe_free(value);
}
