/* `podpilot load [hey's flags] URL`: a real HTTP load test, hey's flags
 * and report (loadgen/). */
#ifndef PODPILOT_LOAD_CMD_H
#define PODPILOT_LOAD_CMD_H

/* argv[1] is "load". Returns 0 (the report printed, whatever the
 * responses were, as hey does), 1 (nothing could be sent), 2 (usage) or
 * 130 (interrupted: the partial report printed). */
int load_main(int argc, char **argv);

#endif
