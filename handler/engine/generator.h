/* generator: split mode's shape for redock@.service, chosen at boot and
 * daemon-reload by redock-generator from [redock] mode. */
#pragma once

#include "config.h"

/* The systemd generator: with mode = split in config_path, the drop-in
 * for redock@.service in argv[0] (the normal generator directory).
 * argc/argv are systemd's (DIR [EARLY LATE]).  Returns the exit status;
 * never fails the boot for a configuration problem. */
int generator_run(const char *config_path, int argc, char **argv);

/* After config apply: log when redock@.service's generated shape does
 * not match the applied mode (a daemon-reload is due). */
void generator_mode_notice(const struct config *cfg);
