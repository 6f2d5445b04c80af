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
  readAndValidateTar,
  TarSlipChecker,
  type TarEntryInfo,
  validateTarBuffer,
} from "./tar-guard.ts";
