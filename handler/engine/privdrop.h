/* privdrop: a verb run as root works on redock's state as the user who
 * owns it.  Locks, the database and job files a root run created would
 * belong to root, and the service, which runs as that user, could no
 * longer take its own locks. */
#pragma once

/* Running as root while STATE_DIR belongs to another user: become that
 * user for good -- its uid, the directory's gid, the user's groups, and
 * the group of the Docker socket at DOCKER_HOST (unix:// only, never gid
 * 0: what the service gets from SupplementaryGroups=docker) -- with HOME,
 * USER and LOGNAME set to the user's, and say so once ("running as
 * redock, the owner of /var/lib/redock").  Returns 1 when it switched, 0
 * when there was nothing to change (not root, or the directory is root's
 * or not there yet), -errno when the switch failed: the caller must stop
 * rather than touch the state as root. */
int privdrop_to_state_owner(const char *state_dir, const char *docker_host);
