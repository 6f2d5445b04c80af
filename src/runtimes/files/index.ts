export { allowedRoots, isAllowedPath, isWithin, normalizeSandboxPath, symlinkEscape } from "./path-policy.ts";
export {
  normalizeEntryPath,
  readAndValidateTar,
  TarSlipChecker,
  type TarEntryInfo,
  validateTarBuffer,
} from "./tar-guard.ts";
