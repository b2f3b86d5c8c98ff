/* `podpilot replay FILE [--with CONFIG]`: a recording run again through the
 * scalers, printed as the session printed it, or compared with a what-if
 * configuration. */
#ifndef PODPILOT_REPLAY_APP_H
#define PODPILOT_REPLAY_APP_H

/* argv[1] is "replay". Returns the exit status. */
int replay_main(int argc, char **argv);

#endif
