/* c8s sandbox supervisor: shared declarations. See README.md for the protocol. */
#ifndef C8S_SUPERVISOR_H
#define C8S_SUPERVISOR_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
  F_EXEC = 1, F_STDIN = 2, F_STDIN_EOF = 3, F_SIGNAL = 4, F_RESIZE = 5, F_KILL = 6,
  F_STARTED = 10, F_STDOUT = 11, F_STDERR = 12, F_EXIT = 13, F_ERROR = 14
};

int serve_main(int argc, char **argv);
int fs_main(int argc, char **argv);
int launch_main(int argc, char **argv);
/* Installs the sandbox's seccomp filter on the calling process (see seccomp.c); 0 or -1. */
int install_seccomp(void);
/* argv[0] the binary was started as: an exec of `SELF fs …` runs the file helper in a forked,
 * non-dumpable child instead of exec'ing a new (ptrace-able) image. */
extern const char *self_exe;
/* Runs in the per-exec shim: kills every descendant of the calling (subreaper) process. */
pid_t spawn_exec(int tty, const char *slave, int in, int out, int err, int status_w, const char *cwd, char **argv,
                 char **envp);
void kill_descendants(pid_t cmd, int *status, int *have_status);

#endif
