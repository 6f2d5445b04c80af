export {
  allowedRoots,
  isAllowedPath,
  isWithin,
  normalizeSandboxPath,
  normalizeWorkdir,
  symlinkEscape,
} from "./path-policy.ts";
export {
  normalizeEntryPath,
  TarSlipChecker,
  type TarEntryInfo,
  validateTarBuffer,
  validateTarStream,
} from "./tar-guard.ts";
export { DEFAULT_SPOOL_LIMIT, spool, type Spooled, type SpoolOptions, withSpooled } from "./spool.ts";
export { type CommandOutput, streamCommandOutput } from "./command-output.ts";
export { isoOrEpoch } from "./times.ts";
