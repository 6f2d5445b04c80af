export { buildServer, type BuildServerOptions } from "./server.ts";
export { ensureAdminToken, hashToken, createToken } from "./auth.ts";
export { buildOpenApi } from "./openapi.ts";
