/* c8s supervisor entry: `serve SOCKET` (pid 1 of a sandbox), `fs OP ...` (file helper run
 * inside the sandbox), `launch ... -- PROG` (host side: join cgroups, drop to a uid, exec). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "supervisor.h"

const char *self_exe = "";

int main(int argc, char **argv) {
  self_exe = argv[0];
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return serve_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "fs") == 0) return fs_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "launch") == 0) return launch_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "version") == 0) { puts("c8s-supervisor 1"); return 0; }
  if (argc >= 2 && strcmp(argv[1], "seccomp-check") == 0) { /* for `c8s doctor`: install, then try a denied call */
    if (install_seccomp() != 0) { printf("not enforced: cannot install the filter: %s\n", strerror(errno)); return 1; }
    long r = syscall(SYS_keyctl, 0, -3, 0);
    if (r == -1 && errno == EPERM) { puts("enforced"); return 0; }
    printf("not enforced: a denied call (keyctl) was not refused\n");
    return 1;
  }
  fprintf(stderr, "usage: supervisor serve SOCKET | fs OP ROOTS PATH [ARG] | launch [opts] -- PROG ARGS\n");
  return 2;
}
