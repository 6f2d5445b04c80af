/* The seccomp filter every sandbox runs under. `serve` installs it on itself (pid 1) before
 * it accepts a connection, so it binds the supervisor, every shim and every command, and can
 * only be narrowed later (filters stack). A denied call fails with EPERM (ENOSYS where a libc
 * falls back to an older call), it never kills the caller: programs that probe a feature see
 * "not permitted" and carry on.
 *
 * What is denied and why (docs/security.md has the same list for users):
 *  - ptrace, process_vm_readv/writev, pidfd_getfd, kcmp, process_madvise: reading or steering
 *    another process; the supervisor is also non-dumpable, this is the second lock.
 *  - keyctl, add_key, request_key: the kernel keyring is not namespaced.
 *  - io_uring_*: a large attack surface that bypasses syscall filtering for the ops it queues.
 *  - bpf, perf_event_open, userfaultfd: frequent kernel-exploit primitives, not needed by builds.
 *  - mount and the new mount API, umount2, pivot_root, chroot, open_tree/move_mount/fs*:
 *    the sandbox's file system is fixed by the host.
 *  - setns; unshare and clone with a namespace flag; clone3 (ENOSYS: glibc falls back to clone,
 *    whose flags a filter can see): no new namespaces inside (bwrap also disables user ns).
 *  - init/finit/delete_module, kexec_*, reboot, swapon/off, acct, quotactl*, syslog,
 *    open_by_handle_at/name_to_handle_at, fanotify_init, lookup_dcookie, uselib, vhangup,
 *    iopl/ioperm, settimeofday/clock_settime/clock_adjtime, nfsservctl, _sysctl, sysfs, ustat,
 *    move_pages/migrate_pages: host administration or known escape paths.
 *  - every call of another architecture (i386 int 0x80, x32): their numbers differ, so one
 *    list cannot cover them; they fail with ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "supervisor.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#endif

#ifdef NATIVE_ARCH
static const int denied[] = {
#ifdef __NR_ptrace
  __NR_ptrace,
#endif
  __NR_process_vm_readv, __NR_process_vm_writev,
#ifdef __NR_pidfd_getfd
  __NR_pidfd_getfd,
#endif
#ifdef __NR_process_madvise
  __NR_process_madvise,
#endif
  __NR_kcmp, __NR_keyctl, __NR_add_key, __NR_request_key,
#ifdef __NR_io_uring_setup
  __NR_io_uring_setup, __NR_io_uring_enter, __NR_io_uring_register,
#endif
  __NR_bpf, __NR_perf_event_open, __NR_userfaultfd,
  __NR_mount, __NR_umount2, __NR_pivot_root, __NR_chroot,
#ifdef __NR_open_tree
  __NR_open_tree, __NR_move_mount, __NR_fsopen, __NR_fsconfig, __NR_fsmount, __NR_fspick,
#endif
#ifdef __NR_mount_setattr
  __NR_mount_setattr,
#endif
  __NR_setns, __NR_init_module, __NR_finit_module, __NR_delete_module, __NR_kexec_load,
#ifdef __NR_kexec_file_load
  __NR_kexec_file_load,
#endif
  __NR_reboot, __NR_swapon, __NR_swapoff, __NR_acct, __NR_quotactl,
#ifdef __NR_quotactl_fd
  __NR_quotactl_fd,
#endif
  __NR_syslog, __NR_open_by_handle_at, __NR_name_to_handle_at, __NR_fanotify_init,
  __NR_lookup_dcookie, __NR_vhangup, __NR_settimeofday, __NR_clock_settime, __NR_clock_adjtime,
  __NR_move_pages, __NR_migrate_pages,
#ifdef __NR_uselib
  __NR_uselib,
#endif
#ifdef __NR_iopl
  __NR_iopl, __NR_ioperm,
#endif
#ifdef __NR_nfsservctl
  __NR_nfsservctl,
#endif
#ifdef __NR__sysctl
  __NR__sysctl,
#endif
#ifdef __NR_sysfs
  __NR_sysfs,
#endif
#ifdef __NR_ustat
  __NR_ustat,
#endif
};

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define NDENIED (sizeof denied / sizeof denied[0])
#define RET(v) ((struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (v)))
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
#define LOAD(field) ((struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field)))

int install_seccomp(void) {
  struct sock_filter prog[16 + 2 * NDENIED];
  size_t n = 0;
  prog[n++] = LOAD(arch);
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
  prog[n++] = RET(ERRNO(ENOSYS));
  prog[n++] = LOAD(nr);
#ifdef __x86_64__
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1); /* x32 */
  prog[n++] = RET(ERRNO(ENOSYS));
#endif
  for (size_t i = 0; i < NDENIED; i++) {
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[i], 0, 1);
    prog[n++] = RET(ERRNO(EPERM));
  }
#ifdef __NR_clone3
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
  prog[n++] = RET(ERRNO(ENOSYS));
#endif
  /* clone and unshare: flags are the first argument on both architectures */
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 1, 0);
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_unshare, 0, 3);
  prog[n++] = LOAD(args[0]);
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1);
  prog[n++] = RET(ERRNO(EPERM));
  prog[n++] = RET(SECCOMP_RET_ALLOW);
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog);
}
#else
int install_seccomp(void) {
  errno = ENOSYS;
  return -1;
}
#endif
