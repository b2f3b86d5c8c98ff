/* podpilot restore: puts back what active mode's overrides changed, from
 * each object's podpilot.io/original annotation (after a crash, or a
 * session that quit without restoring). */
#ifndef PODPILOT_RESTORE_CMD_H
#define PODPILOT_RESTORE_CMD_H

int restore_main(int argc, char **argv);

#endif
