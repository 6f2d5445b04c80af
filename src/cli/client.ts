/** The CLI talks to the server only through the SDK; this builds its connection options. */
import type { ConnectionOptions } from "@c8s/sdk";
import { resolveCliConnection } from "./credentials.ts";
import type { CliIo } from "./io.ts";

export async function sdkOptions(io: CliIo): Promise<ConnectionOptions> {
  const { url, token } = await resolveCliConnection(io.env);
  return token === undefined ? { url } : { url, token };
}
