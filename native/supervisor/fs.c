/* File helper, run inside the sandbox as the sandbox user: `fs OP ROOTS PATH [ARG]`.
 * ROOTS is a colon-separated list of the directories file access may reach (workdir, /tmp).
 * Symlinks are resolved here, where they mean what the sandbox's code sees, and the resolved
 * path is checked against ROOTS; the host never follows a path inside a workspace.
 * Errors: exit 3 with `C8S:<CODE>:<message>` on stderr. */
#define _GNU_SOURCE
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "supervisor.h"

static const char *roots;

static void fail(const char *code, const char *fmt, const char *arg) {
  fprintf(stderr, "C8S:%s:", code);
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  exit(3);
}

static void fail_errno(const char *path) {
  int e = errno;
  if (e == ENOENT) fail("FILE_NOT_FOUND", "No such file or directory: %s", path);
  if (e == ENOTDIR) fail("NOT_A_DIRECTORY", "A component of the path is not a directory: %s", path);
  if (e == EISDIR) fail("IS_A_DIRECTORY", "Is a directory: %s", path);
  if (e == EACCES || e == EPERM || e == EROFS) fail("PERMISSION_DENIED", "Permission denied: %s", path);
  if (e == ENOTEMPTY || e == EEXIST) fail("CONFLICT", "Directory not empty or already exists: %s", path);
  if (e == ELOOP) fail("PATH_OUTSIDE_SANDBOX", "Too many symlinks or a symlink where none is allowed: %s", path);
  if (e == ENOSPC || e == EFBIG || e == EDQUOT) fail("FILE_TOO_LARGE", "No space left or file too large: %s", path);
  fprintf(stderr, "C8S:INTERNAL:%s: %s\n", path, strerror(e));
  exit(3);
}

static int allowed(const char *path) {
  const char *r = roots;
  while (*r) {
    const char *colon = strchr(r, ':');
    size_t n = colon ? (size_t)(colon - r) : strlen(r);
    if (n > 0 && strncmp(path, r, n) == 0 && (path[n] == 0 || path[n] == '/' || (n == 1 && r[0] == '/'))) return 1;
    if (!colon) break;
    r = colon + 1;
  }
  return 0;
}

static void check(const char *path, const char *shown) {
  if (!allowed(path)) fail("PATH_OUTSIDE_SANDBOX", "Path resolves outside the sandbox's workdir and /tmp: %s", shown);
}

/* Resolves every symlink; the target must exist. */
static char *resolve(const char *path) {
  char *real = realpath(path, NULL);
  if (!real) fail_errno(path);
  check(real, path);
  return real;
}

/* Resolves the parent and joins the last component unresolved (for lstat, unlink, create). */
static char *resolve_parent(const char *path, char **base_out) {
  char *a = strdup(path), *b = strdup(path);
  char *parent = resolve(dirname(a));
  char *base = basename(b);
  char *out = malloc(strlen(parent) + strlen(base) + 2);
  sprintf(out, strcmp(parent, "/") == 0 ? "%s%s" : "%s/%s", parent, base);
  check(out, path);
  if (base_out) *base_out = strdup(base);
  return out;
}

/* mkdir -p, checking each existing prefix resolves inside the roots. */
static void mkdirs(const char *path) {
  char *p = strdup(path);
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == 0) {
      char saved = *s;
      *s = 0;
      if (mkdir(p, 0755) != 0 && errno != EEXIST) fail_errno(p);
      if (allowed(p) || saved == 0) free(resolve(p));
      *s = saved;
      if (saved == 0) break;
    }
  }
  free(p);
}

static const char *type_of(mode_t m) {
  return S_ISREG(m) ? "file" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink" : "other";
}

/* One entry: path, name, type, size, mode (octal), mtime ms, link target — each NUL-terminated. */
static void print_entry(const char *path, const char *name) {
  struct stat st;
  if (lstat(path, &st) != 0) fail_errno(path);
  char link[PATH_MAX] = "";
  if (S_ISLNK(st.st_mode)) {
    ssize_t n = readlink(path, link, sizeof link - 1);
    if (n > 0) link[n] = 0;
  }
  long long ms = (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
  printf("%s%c%s%c%s%c%lld%c%o%c%lld%c%s%c", path, 0, name, 0, type_of(st.st_mode), 0, (long long)st.st_size, 0,
         (unsigned)(st.st_mode & 07777), 0, ms, 0, link, 0);
}

static void copy(int in, int out, const char *path) {
  char buf[65536];
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r == 0) return;
    if (r < 0) { if (errno == EINTR) continue; fail_errno(path); }
    for (ssize_t off = 0; off < r;) {
      ssize_t w = write(out, buf + off, (size_t)(r - off));
      if (w < 0) { if (errno == EINTR) continue; fail_errno(path); }
      off += w;
    }
  }
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)ftw;
  if ((flag == FTW_DP ? rmdir(p) : unlink(p)) != 0) fail_errno(p);
  return 0;
}

static int is_root(const char *path) {
  const char *r = roots;
  size_t n = strlen(path);
  while (*r) {
    if (strncmp(r, path, n) == 0 && (r[n] == ':' || r[n] == 0)) return 1;
    const char *colon = strchr(r, ':');
    if (!colon) break;
    r = colon + 1;
  }
  return 0;
}

int fs_main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: supervisor fs OP ROOTS PATH [ARG]\n"); return 2; }
  const char *op = argv[1], *path = argv[3], *arg = argc > 4 ? argv[4] : "";
  roots = argv[2];
  if (path[0] != '/') fail("INVALID_ARGUMENT", "Path must be absolute: %s", path);
  check(path, path);
  if (strcmp(op, "read") == 0) {
    char *real = resolve(path);
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail_errno(path);
    struct stat st;
    if (fstat(fd, &st) != 0) fail_errno(path);
    if (S_ISDIR(st.st_mode)) fail("IS_A_DIRECTORY", "Is a directory: %s", path);
    if (!S_ISREG(st.st_mode)) fail("INVALID_ARGUMENT", "Not a regular file: %s", path);
    copy(fd, 1, path);
  } else if (strcmp(op, "write") == 0) {
    char *a = strdup(path);
    mkdirs(dirname(a));
    char *target = resolve_parent(path, NULL);
    struct stat st;
    if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode)) target = resolve(path);
    if (lstat(target, &st) == 0 && S_ISDIR(st.st_mode)) fail("IS_A_DIRECTORY", "Is a directory: %s", path);
    mode_t mode = arg[0] ? (mode_t)strtol(arg, NULL, 8) : 0644;
    int fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) fail_errno(path);
    if (arg[0] && fchmod(fd, mode) != 0) fail_errno(path);
    copy(0, fd, path);
    if (close(fd) != 0) fail_errno(path);
  } else if (strcmp(op, "list") == 0) {
    char *real = resolve(path);
    DIR *d = opendir(real);
    if (!d) fail_errno(path);
    struct dirent *e;
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char *full = malloc(strlen(path) + strlen(e->d_name) + 2);
      char *inner = malloc(strlen(real) + strlen(e->d_name) + 2);
      sprintf(full, "%s/%s", strcmp(path, "/") == 0 ? "" : path, e->d_name);
      sprintf(inner, "%s/%s", real, e->d_name);
      struct stat st;
      if (lstat(inner, &st) != 0) continue; /* removed meanwhile */
      char link[PATH_MAX] = "";
      if (S_ISLNK(st.st_mode)) { ssize_t n = readlink(inner, link, sizeof link - 1); if (n > 0) link[n] = 0; }
      long long ms = (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
      printf("%s%c%s%c%s%c%lld%c%o%c%lld%c%s%c", full, 0, e->d_name, 0, type_of(st.st_mode), 0, (long long)st.st_size, 0,
             (unsigned)(st.st_mode & 07777), 0, ms, 0, link, 0);
      free(full); free(inner);
    }
    closedir(d);
  } else if (strcmp(op, "stat") == 0) {
    char *base;
    char *target = resolve_parent(path, &base);
    print_entry(target, base);
  } else if (strcmp(op, "mkdir") == 0) {
    if (strcmp(arg, "recursive") == 0) mkdirs(path);
    else {
      char *target = resolve_parent(path, NULL);
      struct stat st;
      if (mkdir(target, 0755) != 0 && !(errno == EEXIST && stat(target, &st) == 0 && S_ISDIR(st.st_mode))) fail_errno(path);
    }
  } else if (strcmp(op, "remove") == 0) {
    if (is_root(path)) fail("INVALID_ARGUMENT", "Refusing to remove a sandbox root directory: %s", path);
    char *target = resolve_parent(path, NULL);
    struct stat st;
    if (lstat(target, &st) != 0) fail_errno(path);
    if (!S_ISDIR(st.st_mode)) { if (unlink(target) != 0) fail_errno(path); }
    else if (strcmp(arg, "recursive") == 0) nftw(target, rm_one, 32, FTW_DEPTH | FTW_PHYS);
    else if (rmdir(target) != 0) fail_errno(path);
  } else if (strcmp(op, "checkdir") == 0) {
    char *real = resolve(path);
    struct stat st;
    if (stat(real, &st) != 0) fail_errno(path);
    if (!S_ISDIR(st.st_mode)) fail("NOT_A_DIRECTORY", "Not a directory: %s", path);
  } else if (strcmp(op, "tarout") == 0 || strcmp(op, "tarin") == 0) {
    int out = strcmp(op, "tarout") == 0;
    if (!out) mkdirs(path);
    char *real = resolve(path);
    struct stat st;
    if (stat(real, &st) != 0) fail_errno(path);
    if (!S_ISDIR(st.st_mode)) fail("NOT_A_DIRECTORY", "Not a directory: %s", path);
    if (chdir(real) != 0) fail_errno(path);
    if (out) execlp("tar", "tar", "--numeric-owner", "-cf", "-", ".", (char *)NULL);
    else execlp("tar", "tar", "--no-same-owner", "-p", "--delay-directory-restore", "-xf", "-", (char *)NULL);
    fail("INTERNAL", "Cannot run tar in the sandbox: %s", strerror(errno));
  } else {
    fail("INVALID_ARGUMENT", "Unknown file operation: %s", op);
  }
  if (fflush(stdout) != 0) fail_errno(path);
  return 0;
}
