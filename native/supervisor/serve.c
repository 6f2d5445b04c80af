/* The resident supervisor: pid 1 of a sandbox. Listens on a unix socket; each connection
 * carries one exec. Frames are [u8 type][u32 big-endian length][payload]. One poll loop, no
 * threads; per-connection buffers give backpressure both ways (a slow client stops the
 * command's output pipe being read; a command not reading stdin stops the socket being read). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "supervisor.h"

#define MAX_CONN 512
#define HIGH_WATER (1 << 20)
#define DRAIN_CAP (16 << 20)

typedef struct { unsigned char *data; size_t len, cap; } buf_t;

typedef struct {
  int fd, tty, in_fd, out_fd, err_fd, status_fd, stdin_eof, exited, closing, shut;
  pid_t shim, cmd;
  buf_t in, out, sin;
  unsigned char status[8];
  int status_len;
} conn_t;

static conn_t conns[MAX_CONN];
static int nconns;

static void buf_add(buf_t *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    b->data = realloc(b->data, cap);
    if (!b->data) _exit(70);
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
}

static void buf_drop(buf_t *b, size_t n) {
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  if (b->len == 0 && b->cap > (1 << 16)) { free(b->data); b->data = NULL; b->cap = 0; }
}

static void frame(conn_t *c, int type, const void *p, size_t n) {
  unsigned char h[5] = {(unsigned char)type, (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n};
  buf_add(&c->out, h, 5);
  if (n) buf_add(&c->out, p, n);
}

static void put32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static uint32_t get32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); fcntl(fd, F_SETFD, FD_CLOEXEC); }
static void xclose(int *fd) { if (*fd >= 0) close(*fd); *fd = -1; }

/* SIGCONT first: sandbox code may have stopped its shim (same uid); the host has a backstop
 * for a shim that is stopped again (it kills the tree from outside, see local-exec.ts). */
static void kill_exec(conn_t *c) {
  if (c->shim > 0 && !c->exited) { kill(c->shim, SIGCONT); kill(c->shim, SIGTERM); }
}
static void error_frame(conn_t *c, const char *msg) { frame(c, F_ERROR, msg, strlen(msg)); c->closing = 1; kill_exec(c); }

static void set_winsize(int fd, const unsigned char *p) {
  struct winsize ws = {0};
  ws.ws_row = (unsigned short)(p[0] << 8 | p[1]);
  ws.ws_col = (unsigned short)(p[2] << 8 | p[3]);
  ioctl(fd, TIOCSWINSZ, &ws);
}

/* EXEC payload: u8 tty, u16 rows, u16 cols, u32 argc, u32 envc, then NUL-terminated cwd, argv..., env... */
static void start_exec(conn_t *c, unsigned char *p, size_t n) {
  if (c->shim > 0 || n < 13) { error_frame(c, "bad exec request"); return; }
  uint32_t argc = get32(p + 5), envc = get32(p + 9);
  if (argc == 0 || argc > 100000 || envc > 100000) { error_frame(c, "bad exec request"); return; }
  char **argv = calloc(argc + 1, sizeof *argv), **envp = calloc(envc + 1, sizeof *envp);
  char *s = (char *)p + 13, *end = (char *)p + n, *cwd = s;
  uint32_t want = 1 + argc + envc, got = 0;
  while (s < end && got < want) {
    char *z = memchr(s, 0, (size_t)(end - s));
    if (!z) break;
    if (got >= 1 && got <= argc) argv[got - 1] = s;
    else if (got > argc) envp[got - 1 - argc] = s;
    got++;
    s = z + 1;
  }
  if (got != want) { free(argv); free(envp); error_frame(c, "bad exec request"); return; }
  int sp[2];
  if (pipe2(sp, O_CLOEXEC) != 0) { free(argv); free(envp); error_frame(c, "pipe failed"); return; }
  int child_in = -1, child_out = -1, child_err = -1;
  char slave[128] = "";
  c->tty = p[0];
  if (c->tty) {
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, slave, sizeof slave) != 0) {
      if (m >= 0) close(m);
      close(sp[0]); close(sp[1]); free(argv); free(envp);
      error_frame(c, "cannot allocate a pseudo-terminal");
      return;
    }
    set_winsize(m, p + 1);
    c->in_fd = m; c->out_fd = dup(m); c->err_fd = -1;
  } else {
    int a[2], b[2], e[2];
    if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC) || pipe2(e, O_CLOEXEC)) { error_frame(c, "pipe failed"); return; }
    child_in = a[0]; c->in_fd = a[1]; c->out_fd = b[0]; child_out = b[1]; c->err_fd = e[0]; child_err = e[1];
  }
  c->shim = spawn_exec(c->tty, slave, child_in, child_out, child_err, sp[1], cwd, argv, envp);
  free(argv); free(envp);
  if (child_in >= 0) { close(child_in); close(child_out); close(child_err); }
  close(sp[1]);
  c->status_fd = sp[0];
  nonblock(c->status_fd);
  if (c->in_fd >= 0) nonblock(c->in_fd);
  if (c->out_fd >= 0) nonblock(c->out_fd);
  if (c->err_fd >= 0) nonblock(c->err_fd);
  if (c->shim < 0) { error_frame(c, "fork failed"); }
}

static void handle_frames(conn_t *c) {
  while (c->in.len >= 5 && !c->closing) {
    uint32_t n = get32(c->in.data + 1);
    if (n > (64u << 20)) { error_frame(c, "frame too large"); return; }
    if (c->in.len < 5 + (size_t)n) return;
    int type = c->in.data[0];
    unsigned char *p = c->in.data + 5;
    switch (type) {
      case F_EXEC: start_exec(c, p, n); break;
      case F_STDIN: if (c->in_fd >= 0 && !c->stdin_eof) buf_add(&c->sin, p, n); break;
      case F_STDIN_EOF: c->stdin_eof = 1; break;
      case F_SIGNAL: if (n >= 4 && c->cmd > 0 && !c->exited) kill(-c->cmd, (int)get32(p)); break;
      case F_RESIZE: if (n >= 4 && c->tty && c->in_fd >= 0) set_winsize(c->in_fd, p); break;
      case F_KILL: kill_exec(c); break;
      default: error_frame(c, "unknown frame type"); return;
    }
    buf_drop(&c->in, 5 + (size_t)n);
  }
}

/* Reads what a pipe/pty has; returns 0 on EOF or error, 1 when more may come. */
static int pump(conn_t *c, int *fd, int type, size_t cap) {
  unsigned char tmp[65536];
  size_t total = 0;
  for (;;) {
    ssize_t r = read(*fd, tmp, sizeof tmp);
    if (r > 0) { frame(c, type, tmp, (size_t)r); total += (size_t)r; if (total >= cap) return 1; continue; }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) return 1;
    xclose(fd); /* EOF, or EIO from a pty whose last slave closed */
    if (type == F_STDOUT && c->tty) xclose(&c->in_fd); /* in_fd is the same pty master; out_fd was a dup */
    return 0;
  }
}

static void flush_stdin(conn_t *c) {
  while (c->sin.len > 0 && c->in_fd >= 0) {
    ssize_t w = write(c->in_fd, c->sin.data, c->sin.len);
    if (w > 0) { buf_drop(&c->sin, (size_t)w); continue; }
    if (w < 0 && errno == EAGAIN) return;
    c->sin.len = 0; /* EPIPE: the command closed stdin */
  }
  if (c->sin.len == 0 && c->stdin_eof && !c->tty) xclose(&c->in_fd);
  if (c->sin.len == 0 && c->stdin_eof && c->tty && c->in_fd >= 0) {
    static const unsigned char eot = 4; /* ^D: end of input on a terminal */
    if (write(c->in_fd, &eot, 1) == 1) c->stdin_eof = 2;
  }
}

/* STARTED: u32 command pid, u32 shim pid (both as the sandbox sees them; the host uses the
 * shim's to kill the exec's tree from outside if the shim stops answering). */
static void started_frame(conn_t *c) {
  unsigned char b[8];
  put32(b, c->cmd > 0 ? (uint32_t)c->cmd : 0);
  put32(b + 4, c->shim > 0 ? (uint32_t)c->shim : 0);
  frame(c, F_STARTED, b, 8);
}

static void read_status(conn_t *c) {
  for (;;) {
    ssize_t r = read(c->status_fd, c->status + c->status_len, (size_t)(8 - c->status_len));
    if (r < 0 && errno == EAGAIN) return;
    if (r <= 0) break;
    c->status_len += (int)r;
    if (c->status_len >= 4 && c->cmd == 0) {
      int32_t pid;
      memcpy(&pid, c->status, 4);
      c->cmd = pid;
      started_frame(c);
    }
    if (c->status_len == 8) break;
  }
  /* The shim died before it could report the command's pid (sandbox code may kill it): the
   * exec still starts and ends, so the host sees a result instead of a vanished connection. */
  if (c->cmd == 0) { c->cmd = -1; started_frame(c); }
  int32_t st = 9; /* shim vanished without a status: report SIGKILL */
  if (c->status_len == 8) memcpy(&st, c->status + 4, 4);
  xclose(&c->status_fd);
  c->exited = 1;
  if (c->out_fd >= 0) pump(c, &c->out_fd, F_STDOUT, DRAIN_CAP);
  if (c->err_fd >= 0) pump(c, &c->err_fd, F_STDERR, DRAIN_CAP);
  unsigned char b[8];
  put32(b, WIFEXITED(st) ? (uint32_t)WEXITSTATUS(st) : 0xffffffffu);
  put32(b + 4, WIFSIGNALED(st) ? (uint32_t)WTERMSIG(st) : 0);
  frame(c, F_EXIT, b, 8);
  c->closing = 1;
}

static void drop_conn(int i) {
  conn_t *c = &conns[i];
  kill_exec(c);
  xclose(&c->fd); xclose(&c->in_fd); xclose(&c->out_fd); xclose(&c->err_fd); xclose(&c->status_fd);
  free(c->in.data); free(c->out.data); free(c->sin.data);
  conns[i] = conns[--nconns];
}

int serve_main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: supervisor serve SOCKET | serve --fd N\n"); return 2; }
  /* Out of reach of the code it supervises: not dumpable (no ptrace, /proc/1/fd, /proc/1/mem,
   * pidfd_getfd by the sandbox uid, which holds no capability over it), then the filter. */
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) { perror("c8s supervisor: PR_SET_DUMPABLE"); return 1; }
  if (install_seccomp() != 0) { perror("c8s supervisor: cannot install the seccomp filter"); return 1; }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  int lfd;
  if (strcmp(argv[1], "--fd") == 0 && argc >= 3) {
    lfd = atoi(argv[2]); /* a listening socket created on the host by `launch --listen` */
    fcntl(lfd, F_SETFD, FD_CLOEXEC);
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
  } else {
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
    unlink(argv[1]);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(lfd, 128) != 0) {
      fprintf(stderr, "c8s supervisor: cannot listen on %s: %s\n", argv[1], strerror(errno));
      return 1;
    }
    chmod(argv[1], 0600);
  }
  if (write(1, "R", 1) != 1) return 1; /* readiness: the host reads one byte */
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); close(devnull); }
  static struct pollfd pfd[2 + MAX_CONN * 5];
  static int owner[2 + MAX_CONN * 5], role[2 + MAX_CONN * 5];
  for (;;) {
    int n = 0;
    pfd[n] = (struct pollfd){sfd, POLLIN, 0}; owner[n] = -1; role[n++] = 0;
    pfd[n] = (struct pollfd){lfd, nconns < MAX_CONN ? POLLIN : 0, 0}; owner[n] = -1; role[n++] = 1;
    for (int i = 0; i < nconns; i++) {
      conn_t *c = &conns[i];
      short ev = (c->out.len ? POLLOUT : 0) | ((!c->closing && c->sin.len < HIGH_WATER) || c->shut ? POLLIN : 0);
      pfd[n] = (struct pollfd){c->fd, ev, 0}; owner[n] = i; role[n++] = 2;
      int room = c->out.len < HIGH_WATER;
      if (c->out_fd >= 0 && room) { pfd[n] = (struct pollfd){c->out_fd, POLLIN, 0}; owner[n] = i; role[n++] = 3; }
      if (c->err_fd >= 0 && room) { pfd[n] = (struct pollfd){c->err_fd, POLLIN, 0}; owner[n] = i; role[n++] = 4; }
      if (c->status_fd >= 0) { pfd[n] = (struct pollfd){c->status_fd, POLLIN, 0}; owner[n] = i; role[n++] = 5; }
      if (c->in_fd >= 0 && c->sin.len) { pfd[n] = (struct pollfd){c->in_fd, POLLOUT, 0}; owner[n] = i; role[n++] = 6; }
    }
    if (poll(pfd, (nfds_t)n, -1) < 0) { if (errno == EINTR) continue; return 1; }
    int dead[MAX_CONN], ndead = 0;
    for (int k = 0; k < n; k++) {
      if (!pfd[k].revents) continue;
      if (role[k] == 0) {
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) > 0) {}
        while (waitpid(-1, NULL, WNOHANG) > 0) {}
        continue;
      }
      if (role[k] == 1) {
        int fd;
        while (nconns < MAX_CONN && (fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
          conns[nconns++] = (conn_t){.fd = fd, .in_fd = -1, .out_fd = -1, .err_fd = -1, .status_fd = -1};
        }
        continue;
      }
      conn_t *c = &conns[owner[k]];
      if (role[k] == 2) {
        if (pfd[k].revents & POLLOUT) {
          ssize_t w = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);
          if (w > 0) buf_drop(&c->out, (size_t)w);
          else if (w < 0 && errno != EAGAIN) { dead[ndead++] = owner[k]; continue; }
        }
        if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) {
          unsigned char tmp[65536];
          ssize_t r = recv(c->fd, tmp, sizeof tmp, 0);
          if (r > 0 && c->shut) continue; /* the exec is over: ignore late frames until the client closes */
          if (r > 0) { buf_add(&c->in, tmp, (size_t)r); handle_frames(c); }
          else if (r == 0 || errno != EAGAIN) { dead[ndead++] = owner[k]; continue; }
        }
      } else if (role[k] == 3) pump(c, &c->out_fd, F_STDOUT, HIGH_WATER);
      else if (role[k] == 4) pump(c, &c->err_fd, F_STDERR, HIGH_WATER);
      else if (role[k] == 5) read_status(c);
      if (c->sin.len || c->stdin_eof == 1) flush_stdin(c);
    }
    for (int i = 0; i < nconns; i++) {
      conn_t *c = &conns[i];
      if (c->closing && !c->shut && c->out.len == 0 && (c->exited || c->shim <= 0)) {
        /* Half-close: the client reads every frame, then closes; closing outright could make
         * the client's late writes fail and drop unread frames. */
        shutdown(c->fd, SHUT_WR);
        c->shut = 1;
      }
    }
    /* drop from the highest index down: drop_conn moves the last connection into the hole */
    for (int a = 0; a < ndead; a++)
      for (int b = a + 1; b < ndead; b++)
        if (dead[b] > dead[a]) { int t = dead[a]; dead[a] = dead[b]; dead[b] = t; }
    for (int d = 0; d < ndead; d++) if (d == 0 || dead[d] != dead[d - 1]) drop_conn(dead[d]);
  }
}
