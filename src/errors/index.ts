export { ERROR_CODES, type ErrorCode, httpStatusForCode, isErrorCode } from "./codes.ts";
export { C8sError, type C8sErrorOptions, isC8sError, toC8sError } from "./c8s-error.ts";
