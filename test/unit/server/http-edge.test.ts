import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { C8sError } from "../../../src/errors/index.ts";
import { createSandboxBody, eventsQuery, writeFileQuery } from "../../../src/server/api-schemas.ts";
import { hashToken, generateToken } from "../../../src/server/auth.ts";
import { toHttpError } from "../../../src/server/http-errors.ts";
import { openApiPath } from "../../../src/server/openapi.ts";
import { sseFrame } from "../../../src/server/routes/events.ts";
import { parseInput } from "../../../src/server/validate.ts";

function validationField(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof C8sError);
    assert.equal(error.code, "VALIDATION_FAILED");
    return String(error.details["field"]);
  }
  assert.fail("expected a validation error");
}

void describe("input validation", () => {
  void it("names an unknown field, nested too", () => {
    assert.equal(
      validationField(() => parseInput(createSandboxBody, { imagee: "x" }, "body")),
      "imagee",
    );
    assert.equal(
      validationField(() => parseInput(createSandboxBody, { limits: { pidz: 3 } }, "body")),
      "limits.pidz",
    );
  });

  void it("names a field of the wrong type", () => {
    assert.equal(
      validationField(() => parseInput(createSandboxBody, { ttlMs: "soon" }, "body")),
      "ttlMs",
    );
  });

  void it("parses query strings: octal modes, integers, booleans", () => {
    assert.deepEqual(parseInput(writeFileQuery, { path: "a", mode: "0755" }, "query"), { path: "a", mode: 0o755 });
    assert.deepEqual(parseInput(eventsQuery, { after: "12", follow: "true" }, "query"), { after: 12, follow: true });
    assert.equal(
      validationField(() => parseInput(writeFileQuery, { path: "a", mode: "999" }, "query")),
      "mode",
    );
    assert.equal(
      validationField(() => parseInput(eventsQuery, { after: "-1" }, "query")),
      "after",
    );
    assert.equal(
      validationField(() => parseInput(eventsQuery, { bogus: "1" }, "query")),
      "bogus",
    );
  });

  void it("keeps the message free of the rejected value", () => {
    const schema = z.object({ secret: z.number() }).strict();
    try {
      parseInput(schema, { secret: "hunter2" }, "body");
      assert.fail("expected an error");
    } catch (error) {
      assert.ok(error instanceof C8sError);
      assert.doesNotMatch(JSON.stringify(error.toJSON()), /hunter2/);
    }
  });
});

void describe("error translation", () => {
  void it("turns Fastify's body-too-large into PAYLOAD_TOO_LARGE naming the limit", () => {
    const fst = Object.assign(new Error("Request body is too large"), {
      code: "FST_ERR_CTP_BODY_TOO_LARGE",
      statusCode: 413,
    });
    const e = toHttpError(fst, 1024);
    assert.equal(e.code, "PAYLOAD_TOO_LARGE");
    assert.equal(e.httpStatus, 413);
    assert.equal(e.details["limitBytes"], 1024);
    assert.match(e.message, /1024-byte limit/);
  });

  void it("turns a JSON syntax error into VALIDATION_FAILED on the body", () => {
    const syntax = Object.assign(new SyntaxError("Unexpected token"), { statusCode: 400 });
    const e = toHttpError(syntax);
    assert.equal(e.code, "VALIDATION_FAILED");
    assert.equal(e.details["field"], "body");
  });

  void it("hides the message of unexpected errors", () => {
    const e = toHttpError(new Error("db password is x"));
    assert.equal(e.code, "INTERNAL");
    assert.doesNotMatch(e.message, /password/);
  });

  void it("keeps C8sErrors as they are", () => {
    const original = new C8sError("SANDBOX_NOT_FOUND", "no sandbox");
    assert.equal(toHttpError(original), original);
  });
});

void describe("small helpers", () => {
  void it("tokens are random and hashed with sha256", () => {
    const a = generateToken();
    assert.notEqual(a, generateToken());
    assert.match(a, /^c8s_[A-Za-z0-9_-]{43}$/);
    assert.equal(hashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  void it("OpenAPI paths use braces", () => {
    assert.equal(openApiPath("/v1/sandboxes/:id/execs/:execId/attach"), "/v1/sandboxes/{id}/execs/{execId}/attach");
  });

  void it("SSE frames carry id, event and data", () => {
    const frame = sseFrame({ seq: 7, sandboxId: "s", type: "sandbox.created", at: "t", data: {} });
    assert.equal(
      frame,
      `id: 7\nevent: sandbox.created\ndata: {"seq":7,"sandboxId":"s","type":"sandbox.created","at":"t","data":{}}\n\n`,
    );
  });
});
