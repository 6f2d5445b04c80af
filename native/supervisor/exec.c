/* Per-exec processes. The supervisor forks a shim per exec; the shim makes itself a child
 * subreaper and forks the command in a new session. Every descendant of the command, even
 * one that called setsid() and double-forked, is reparented to the shim rather than to pid 1,
 * so the shim can find and kill the whole tree by walking /proc for its children until none
 * remain. A process group would not do: setsid() escapes it. A per-exec cgroup would need
 * cgroup access from inside the sandbox, and a nested pid namespace would need a nested user
 * namespace, which the sandbox disables. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "supervisor.h"

static pid_t parent_of(const char *pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%s/stat", pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char *end = strrchr(buf, ')'); /* comm may contain spaces and parentheses */
  if (!end) return -1;
  char state;
  int ppid;
  if (sscanf(end + 1, " %c %d", &state, &ppid) != 2) return -1;
  return ppid;
}

/* SIGKILLs every direct child of this process; returns how many it found. */
static int kill_children(void) {
  pid_t self = getpid();
  int found = 0;
  DIR *d = opendir("/proc");
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (parent_of(e->d_name) == self) {
      kill((pid_t)atoi(e->d_name), SIGKILL);
      found++;
    }
  }
  closedir(d);
  return found;
}

void kill_descendants(pid_t cmd, int *status, int *have_status) {
  kill(-cmd, SIGKILL);
  for (;;) {
    int found = kill_children();
    int st;
    pid_t p;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0)
      if (p == cmd) { *status = st; *have_status = 1; }
    if (p < 0 && errno == ECHILD) return;
    if (found == 0) {
      p = waitpid(-1, &st, 0);
      if (p == cmd) { *status = st; *have_status = 1; }
      if (p < 0 && errno == ECHILD) return;
    }
  }
}

struct exec_io { int tty; const char *slave; int in, out, err; };

static void child_exec(const struct exec_io *io, const char *cwd, char **argv, char **envp) {
  setsid();
  if (io->tty) {
    int s = open(io->slave, O_RDWR);
    if (s < 0) _exit(126);
    ioctl(s, TIOCSCTTY, 0);
    dup2(s, 0); dup2(s, 1); dup2(s, 2);
    if (s > 2) close(s);
  } else {
    dup2(io->in, 0); dup2(io->out, 1); dup2(io->err, 2);
  }
  for (int fd = 3; fd < 1024; fd++) close(fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int s = 1; s < 32; s++) signal(s, SIG_DFL);
  if (cwd[0] && chdir(cwd) != 0) {
    dprintf(2, "c8s: cannot change to directory %s: %s\n", cwd, strerror(errno));
    _exit(126);
  }
  environ = envp;
  /* The file helper runs in this forked child, never through exec: an exec'd image would be
   * dumpable, and code in the sandbox could attach to it and forge a file read's result. */
  if (argv[1] && strcmp(argv[0], self_exe) == 0 && strcmp(argv[1], "fs") == 0) {
    int argc = 0;
    while (argv[argc]) argc++;
    int rc = fs_main(argc - 1, argv + 1);
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
  }
  execvp(argv[0], argv);
  int err = errno;
  dprintf(2, "c8s: %s: %s\n", argv[0], strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}

/* Forks the shim. status_w gets 4 bytes (command pid) then 4 bytes (wait status). */
pid_t spawn_exec(int tty, const char *slave, int in, int out, int err, int status_w, const char *cwd, char **argv,
                 char **envp) {
  pid_t shim = fork();
  if (shim != 0) return shim;
  for (int fd = 3; fd < 1024; fd++)
    if (fd != in && fd != out && fd != err && fd != status_w) close(fd);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct exec_io io = {tty, slave, in, out, err};
  pid_t cmd = fork();
  if (cmd == 0) child_exec(&io, cwd, argv, envp);
  if (in >= 0) close(in);
  if (out >= 0 && out != in) close(out);
  if (err >= 0 && err != out) close(err);
  int32_t word = cmd;
  if (write(status_w, &word, 4) != 4) _exit(1);
  int status = 0, have = cmd < 0;
  if (cmd < 0) status = 127 << 8;
  while (!have) {
    siginfo_t si;
    int sig = sigwaitinfo(&set, &si);
    if (sig == SIGTERM) { kill_descendants(cmd, &status, &have); break; }
    if (sig == SIGCHLD) {
      int st;
      pid_t p;
      while ((p = waitpid(-1, &st, WNOHANG)) > 0)
        if (p == cmd) { status = st; have = 1; }
    }
  }
  word = status;
  if (write(status_w, &word, 4) != 4) _exit(1);
  _exit(0);
}
