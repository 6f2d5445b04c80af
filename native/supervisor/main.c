/* c8s supervisor entry: `serve SOCKET` (pid 1 of a sandbox), `fs OP ...` (file helper run
 * inside the sandbox), `launch ... -- PROG` (host side: join cgroups, drop to a uid, exec). */
#include <stdio.h>
#include <string.h>
#include "supervisor.h"

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "serve") == 0) return serve_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "fs") == 0) return fs_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "launch") == 0) return launch_main(argc - 1, argv + 1);
  if (argc >= 2 && strcmp(argv[1], "version") == 0) { puts("c8s-supervisor 1"); return 0; }
  fprintf(stderr, "usage: supervisor serve SOCKET | fs OP ROOTS PATH [ARG] | launch [opts] -- PROG ARGS\n");
  return 2;
}
