/**
 * Translates driver errors (pg, PGlite — both carry PostgreSQL SQLSTATE codes) into
 * C8sErrors at the adapter edge.
 */
import { C8sError } from "../errors/index.ts";

const UNIQUE_VIOLATION = "23505";
const SERIALIZATION_FAILURE = "40001";
const CONNECTION_CLASS = "08";
/** character_not_in_repertoire (a NUL in text) and untranslatable_character: the caller's data. */
const UNSTORABLE_TEXT = ["22021", "22P05"];

function sqlState(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

export function translateDriverError(error: unknown, operation: string): C8sError {
  if (error instanceof C8sError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = sqlState(error);
  if (code === UNIQUE_VIOLATION || code === SERIALIZATION_FAILURE) {
    const constraint = (error as { constraint?: unknown }).constraint;
    return new C8sError("CONFLICT", `the store refused a conflicting write: ${message}`, {
      details: { sqlState: code, ...(typeof constraint === "string" ? { constraint } : {}), operation },
      hint: "The record already exists or was changed concurrently; re-read it and retry.",
      cause: error,
    });
  }
  if (code !== undefined && UNSTORABLE_TEXT.includes(code)) {
    return new C8sError("INVALID_ARGUMENT", "a value holds a character that cannot be stored (NUL)", {
      details: { sqlState: code, operation },
      hint: "Remove NUL characters from names, labels, environment values and other text fields.",
      cause: error,
    });
  }
  const unreachable =
    (code?.startsWith(CONNECTION_CLASS) ?? false) ||
    ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH"].includes(code ?? "");
  return new C8sError("STORE_ERROR", `the store failed to ${operation}: ${message}`, {
    details: { ...(code === undefined ? {} : { sqlState: code }), operation },
    hint: unreachable
      ? "Check that the database is running and that C8S_DATABASE_URL points at it."
      : "Check the server log and the database's log; retry the request.",
    cause: error,
  });
}
