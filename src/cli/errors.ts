/** How the CLI reports failures: `error[CODE]: message` then `hint: …`, and which exit code each gets. */
import { C8sError } from "../errors/index.ts";
import { C8sSdkError } from "@c8s/sdk";
import { EXIT } from "./exit-codes.ts";

/** A wrong command line. Exit code 2. */
export class UsageError extends C8sError {
  constructor(message: string, usage?: string) {
    super("INVALID_ARGUMENT", message, { hint: usage ? `usage: ${usage}` : "Run `c8s help` for usage." });
    this.name = "UsageError";
  }
}

export interface PrintableError {
  code: string;
  message: string;
  hint: string | undefined;
  exitCode: number;
}

export function describeError(error: unknown): PrintableError {
  if (error instanceof UsageError)
    return { code: error.code, message: error.message, hint: error.hint, exitCode: EXIT.usage };
  if (error instanceof C8sError || error instanceof C8sSdkError) {
    return { code: error.code, message: error.message, hint: error.hint, exitCode: exitCodeFor(error.code, error) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: "INTERNAL",
    message,
    hint: "This is a bug in c8s; please report it with the command you ran.",
    exitCode: EXIT.failure,
  };
}

function exitCodeFor(code: string, error: { status?: number | undefined; name: string }): number {
  if (code === "CONNECTION_FAILED" || code === "SERVER_NOT_CONFIGURED") return EXIT.noServer;
  if (code === "UNAUTHENTICATED" || code === "PERMISSION_DENIED") return EXIT.auth;
  if (error.name === "NotFoundError" || code.endsWith("_NOT_FOUND") || code === "NOT_FOUND") return EXIT.notFound;
  if (error.name === "InvalidArgumentError" && code === "INVALID_ARGUMENT" && error.status === undefined)
    return EXIT.usage;
  return EXIT.failure;
}

export function formatError(error: PrintableError): string {
  return `error[${error.code}]: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`;
}
