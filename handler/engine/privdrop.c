/* privdrop: become the owner of the state directory. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

/* groups a user may be in, beyond which the switch is refused rather
 * than made with some of them missing */
#define PRIVDROP_GROUPS_MAX 1024

static bool has_group(const gid_t *groups, int n, gid_t g)
{
        for (int i = 0; i < n; i++)
                if (groups[i] == g)
                        return true;
        return false;
}

/* The groups to run with: the user's own (as initgroups would set them),
 * with GID first, then the Docker socket's group.  Returns the count, or
 * -errno. */
static int group_list(const struct passwd *pw, gid_t gid, const char *docker_host,
                      gid_t *groups, int max)
{
        int n = max;
        struct stat sock;

        if (pw) {
                if (getgrouplist(pw->pw_name, gid, groups, &n) < 0)
                        return -E2BIG;
        } else {
                groups[0] = gid;
                n = 1;
        }
        if (strncmp(docker_host, "unix://", 7) == 0 && stat(docker_host + 7, &sock) == 0 &&
            sock.st_gid != 0 && !has_group(groups, n, sock.st_gid)) {
                if (n == max)
                        return -E2BIG;
                groups[n++] = sock.st_gid;
        }
        return n;
}

int privdrop_to_state_owner(const char *state_dir, const char *docker_host)
{
        gid_t *groups = NULL;
        const struct passwd *pw;
        char who[64];
        struct stat st;
        int n, r = 0;

        if (geteuid() != 0)
                return 0;
        if (stat(state_dir, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (st.st_uid == 0)
                return 0;
        errno = 0;
        pw = getpwuid(st.st_uid);
        if (!pw && errno)
                return -errno;
        if (pw)
                snprintf(who, sizeof(who), "%s", pw->pw_name);
        else
                snprintf(who, sizeof(who), "uid %u", (unsigned)st.st_uid);

        groups = calloc(PRIVDROP_GROUPS_MAX, sizeof(*groups));
        if (!groups)
                return -ENOMEM;
        n = group_list(pw, st.st_gid, docker_host, groups, PRIVDROP_GROUPS_MAX);
        if (n < 0) {
                r = n;
                goto out;
        }
        /* groups, then gid, then uid: after setresuid nothing else may
         * change */
        if (setgroups((size_t)n, groups) < 0 || setresgid(st.st_gid, st.st_gid, st.st_gid) < 0 ||
            setresuid(st.st_uid, st.st_uid, st.st_uid) < 0) {
                r = -errno;
                goto out;
        }
        /* for good: no way back to root */
        if (setuid(0) == 0 || geteuid() != st.st_uid || getegid() != st.st_gid) {
                r = -EPERM;
                goto out;
        }
        /* what the user's own processes see: e.g. ~/.docker/config.json */
        if (pw) {
                setenv("HOME", pw->pw_dir, 1);
                setenv("USER", pw->pw_name, 1);
                setenv("LOGNAME", pw->pw_name, 1);
        }
        log_msg(LOG_NOTICE, "running as %s, the owner of %s", who, state_dir);
        r = 1;
out:
        free(groups);
        return r;
}
