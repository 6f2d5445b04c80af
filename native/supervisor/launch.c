/* Host-side launcher: joins cgroups (by writing its pid to each cgroup.procs), sets rlimits,
 * drops to an unprivileged uid/gid and execs the given program (bwrap). Doing this in one
 * exec avoids a shell and leaves no window where the sandbox runs outside its cgroups. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "supervisor.h"

static int write_pid(const char *path) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
  int ok = write(fd, buf, (size_t)n) == n;
  close(fd);
  return ok ? 0 : -1;
}

/* Creates the supervisor's listening socket on the host, in a directory the sandbox never sees
 * (a socket path inside the sandbox could be swapped for a symlink to some host socket), and
 * hands it to `serve --fd 3` through bwrap as fd 3. */
static int listen_at(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (fd < 0 || strlen(path) >= sizeof addr.sun_path) return -1;
  strcpy(addr.sun_path, path);
  unlink(path);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 128) != 0 || chmod(path, 0600) != 0) return -1;
  if (fd != 3) {
    if (dup2(fd, 3) != 3) return -1;
    close(fd);
  }
  return 0;
}

static void set_limit(int resource, const char *value) {
  struct rlimit rl;
  rl.rlim_cur = rl.rlim_max = strtoull(value, NULL, 10);
  if (setrlimit(resource, &rl) != 0) { perror("c8s launch: setrlimit"); _exit(125); }
}

int launch_main(int argc, char **argv) {
  long uid = -1, gid = -1;
  const char *stage_source = NULL, *stage_target = NULL;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) { i++; break; }
    if (i + 1 >= argc) break;
    const char *v = argv[++i];
    if (strcmp(a, "--listen") == 0) {
      if (listen_at(v) != 0) { fprintf(stderr, "c8s launch: cannot listen on %s: %s\n", v, strerror(errno)); return 125; }
    } else if (strcmp(a, "--cgroup-procs") == 0) {
      if (write_pid(v) != 0) { fprintf(stderr, "c8s launch: cannot join cgroup %s: %s\n", v, strerror(errno)); return 125; }
    } else if (strcmp(a, "--netns") == 0) {
      int fd = open(v, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
        fprintf(stderr, "c8s launch: cannot join network namespace %s: %s\n", v, strerror(errno));
        return 125;
      }
      close(fd);
    } else if (strcmp(a, "--stage-source") == 0) stage_source = v;
    else if (strcmp(a, "--stage-target") == 0) stage_target = v;
    else if (strcmp(a, "--uid") == 0) uid = strtol(v, NULL, 10);
    else if (strcmp(a, "--gid") == 0) gid = strtol(v, NULL, 10);
    else if (strcmp(a, "--rlimit-nproc") == 0) set_limit(RLIMIT_NPROC, v);
    else if (strcmp(a, "--rlimit-fsize") == 0) set_limit(RLIMIT_FSIZE, v);
    else if (strcmp(a, "--rlimit-as") == 0) set_limit(RLIMIT_AS, v);
    else { fprintf(stderr, "c8s launch: unknown option %s\n", a); return 125; }
  }
  if (i >= argc) { fprintf(stderr, "c8s launch: no program\n"); return 125; }
  /* A workspace the sandbox uid cannot reach by path (e.g. under a 0700 home) is bind-mounted,
   * while still root, onto a reachable staging dir in a private mount namespace of our own:
   * bwrap (unprivileged) resolves source paths with the sandbox uid's permissions. */
  if (stage_source && stage_target) {
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(stage_source, stage_target, NULL, MS_BIND | MS_REC, NULL) != 0) {
      fprintf(stderr, "c8s launch: cannot stage %s at %s: %s\n", stage_source, stage_target, strerror(errno));
      return 125;
    }
  }
  if (gid >= 0) {
    if (setgroups(0, NULL) != 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0) { perror("c8s launch: setgid"); return 125; }
  }
  if (uid >= 0 && setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) { perror("c8s launch: setuid"); return 125; }
  execvp(argv[i], argv + i);
  fprintf(stderr, "c8s launch: cannot run %s: %s\n", argv[i], strerror(errno));
  return 127;
}
