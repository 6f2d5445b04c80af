/**
 * Exit codes of the `c8s` command (documented in `c8s help`):
 *   0    success
 *   1    the command failed (the server refused, the sandbox failed, a check failed)
 *   2    usage error: unknown command or flag, bad flag value
 *   3    no server: nothing configured, or it cannot be reached
 *   4    authentication failed: token missing, wrong or lacking scope
 *   5    not found: no such sandbox, exec or file
 *   124  `sandbox exec`: the command timed out
 *   128+N `sandbox exec`/`shell`: the command was killed by signal N
 * `sandbox exec` and `sandbox shell` otherwise exit with the command's own exit code.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  noServer: 3,
  auth: 4,
  notFound: 5,
  timeout: 124,
  signalBase: 128,
} as const;

export const EXIT_CODE_HELP = `exit codes:
  0  success                       1  command failed
  2  usage error                   3  no server configured / unreachable
  4  authentication failed         5  not found
  124  exec timed out              128+N  exec killed by signal N
  sandbox exec / shell otherwise exit with the command's own code`;
