/**
 * GENERATED from the server's /openapi.json by openapi-typescript — do not edit.
 * Regenerate with `npm run gen:sdk`; test/integration/server/sdk-types.test.ts fails when it drifts.
 * The SDK's public types (types.ts) are derived from these.
 */
export interface paths {
  "/healthz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness: the process answers. */
    get: operations["get_healthz"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/metrics": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Prometheus metrics (text format 0.0.4). */
    get: operations["get_metrics"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/openapi.json": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** This API's OpenAPI 3.1 document. */
    get: operations["get_openapi_json"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/readyz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Readiness: the store and the runtime answer. */
    get: operations["get_readyz"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/audit": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Who did what to which resource, newest first: every mutating call and every secret a run was given. A team owner sees its own team's; an admin every team's.
     * @description Needs the scope `audit:read`.
     */
    get: operations["get_v1_audit"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Lifecycle events after `after` (or Last-Event-ID). follow=true: text/event-stream (id = seq, event = type), kept open; otherwise JSON {events}.
     * @description Needs the scope `sandboxes:read`.
     */
    get: operations["get_v1_events"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/execute": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create a sandbox (from `template`, a warm-pool claim when one is ready, or from `sandbox`), run one command with optional stdin, destroy it; at most 1 MiB of each stream is returned.
     * @description Needs the scope `sandboxes:write`.
     */
    post: operations["post_v1_execute"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/hooks": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The team's hooks (never their secrets); an admin sees every team's.
     * @description Needs the scope `hooks:read`.
     */
    get: operations["get_v1_hooks"];
    put?: never;
    /**
     * Create a webhook configuration for one repository: deliveries to its deliveryPath start runs in your team, cloning with repoSecret if given. The signing secret is returned once.
     * @description Needs the scope `hooks:write`.
     */
    post: operations["post_v1_hooks"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/hooks/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One of the team's hooks.
     * @description Needs the scope `hooks:read`.
     */
    get: operations["get_v1_hooks_by_id"];
    put?: never;
    post?: never;
    /**
     * Delete one of the team's hooks: its deliveries are refused from now on (401).
     * @description Needs the scope `hooks:write`.
     */
    delete: operations["delete_v1_hooks_by_id"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/info": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Server version, runtime and its capabilities.
     * @description Needs the scope `sandboxes:read`.
     */
    get: operations["get_v1_info"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Runs, newest first.
     * @description Needs the scope `runs:read`.
     */
    get: operations["get_v1_runs"];
    put?: never;
    /**
     * Queue a pipeline run of a repository at a commit or branch (pipeline file path or inline YAML).
     * @description Needs the scope `runs:write`.
     */
    post: operations["post_v1_runs"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One run with its steps.
     * @description Needs the scope `runs:read`; a run of another team is 404.
     */
    get: operations["get_v1_runs_by_id"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Cancel a queued or running run (its step sandboxes are destroyed).
     * @description Needs the scope `runs:write`; a run of another team is 404.
     */
    post: operations["post_v1_runs_by_id_cancel"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}/rerun": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Queue the run again at the same commit; ?from=failed reuses the steps that succeeded, ?debug=true keeps a failed step's sandbox.
     * @description Needs the scope `runs:write`; a run of another team is 404.
     */
    post: operations["post_v1_runs_by_id_rerun"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}/steps/{step}/artifacts": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download one artifact a step collected (`path` as the run lists it under `artifacts`).
     * @description Needs the scope `runs:read`; a run of another team is 404.
     */
    get: operations["get_v1_runs_by_id_steps_by_step_artifacts"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}/steps/{step}/logs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A step's masked log: text/plain (from ?cursor= bytes), or with follow=true / Accept: text/event-stream a live SSE stream (id = byte offset; Last-Event-ID resumes; `end` event when the step's output ends).
     * @description Needs the scope `runs:read`; a run of another team is 404.
     */
    get: operations["get_v1_runs_by_id_steps_by_step_logs"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/runs/{id}/steps/{step}/logs/ws": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * WebSocket: a step's masked log from `cursor` (byte offset, default 0) as output frames {stream, offset, end, text, base64}, then {type:end, offset} when the step's output ends. Reconnect with cursor = the last frame's end: no gap, no duplicate.
     * @description Needs the scope `runs:read`; a run of another team is 404.
     */
    get: operations["get_v1_runs_by_id_steps_by_step_logs_ws"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List sandboxes, newest first.
     * @description Needs the scope `sandboxes:read`.
     */
    get: operations["get_v1_sandboxes"];
    put?: never;
    /**
     * Create a sandbox; returns when it is running.
     * @description Needs the scope `sandboxes:write`.
     */
    post: operations["post_v1_sandboxes"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get one sandbox.
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id"];
    put?: never;
    post?: never;
    /**
     * Destroy a sandbox (reason `killed`); idempotent.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    delete: operations["delete_v1_sandboxes_by_id"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/exec": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run a command to completion and return its output (200 whatever the exit code).
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    post: operations["post_v1_sandboxes_by_id_exec"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/exec/stream": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * WebSocket: send {"type":"start", command, env?, cwd?, timeoutMs?, tty?, stdin?} first; receive started, output (seq, base64) and exit frames.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_exec_stream"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/execs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List a sandbox's execs.
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_execs"];
    put?: never;
    /**
     * Start a background exec; follow it with the attach WebSocket.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    post: operations["post_v1_sandboxes_by_id_execs"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/execs/{execId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get one exec.
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_execs_by_execId"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/execs/{execId}/attach": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * WebSocket: attach to an exec and receive its output from `cursor` (default 0) exactly once, then its exit. Accepts stdin/stdin_eof/resize/signal frames.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_execs_by_execId_attach"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/execs/{execId}/kill": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Signal a running exec's process group (default SIGKILL).
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    post: operations["post_v1_sandboxes_by_id_execs_by_execId_kill"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/execs/{execId}/stdin": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Write raw bytes to a background exec's stdin; `?eof=true` closes it afterwards.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    post: operations["post_v1_sandboxes_by_id_execs_by_execId_stdin"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/files": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a file's bytes.
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_files"];
    /**
     * Write a file (created or replaced) from the raw request body, streamed; a failed upload writes nothing.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    put: operations["put_v1_sandboxes_by_id_files"];
    post?: never;
    /**
     * Remove a file, or a directory with `recursive=true`.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    delete: operations["delete_v1_sandboxes_by_id_files"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/files/list": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List a directory.
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_files_list"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/files/mkdir": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Create a directory.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    post: operations["post_v1_sandboxes_by_id_files_mkdir"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/files/stat": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Describe one file or directory (symlinks are not followed).
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_files_stat"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sandboxes/{id}/files/tar": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download a directory's contents as a tar stream.
     * @description Needs the scope `sandboxes:read`; a sandbox of another team is 404.
     */
    get: operations["get_v1_sandboxes_by_id_files_tar"];
    /**
     * Extract a tar stream into a directory (created if missing); tar-slip is rejected with PATH_OUTSIDE_SANDBOX.
     * @description Needs the scope `sandboxes:write`; a sandbox of another team is 404.
     */
    put: operations["put_v1_sandboxes_by_id_files_tar"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/secrets": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The team's secret names (never values); an admin sees every team's.
     * @description Needs the scope `secrets:read`.
     */
    get: operations["get_v1_secrets"];
    put?: never;
    /**
     * Create or replace a secret (stored AES-256-GCM encrypted; steps naming it get it as an env var) and its policy: which events, branches and repositories may use it, and whether pull requests from forks may (default: not).
     * @description Needs the scope `secrets:write`.
     */
    post: operations["post_v1_secrets"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/secrets-key/rotate": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Re-seal every secret, repository credential and team hook's signing secret with this server's current secrets key (C8S_SECRETS_KEY), in one transaction; values sealed with C8S_SECRETS_KEY_PREVIOUS stay readable until then. Installation admins; see docs/security.md, 'The secrets key'.
     * @description Needs an installation admin's token (role `admin`).
     */
    post: operations["post_v1_secrets_key_rotate"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/secrets/{name}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Delete one of the team's secrets.
     * @description Needs the scope `secrets:write`.
     */
    delete: operations["delete_v1_secrets_by_name"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sessions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The team's sessions, newest first; an admin sees every team's.
     * @description Needs the scope `sessions:read`.
     */
    get: operations["get_v1_sessions"];
    put?: never;
    /**
     * Create a session: a workspace whose files live in the store, with a sandbox attached on first use.
     * @description Needs the scope `sessions:write`.
     */
    post: operations["post_v1_sessions"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sessions/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One session, with its file count and bytes.
     * @description Needs the scope `sessions:read`; a session of another team is 404.
     */
    get: operations["get_v1_sessions_by_id"];
    put?: never;
    post?: never;
    /**
     * Delete a session: its sandbox is stopped and its files are deleted.
     * @description Needs the scope `sessions:write`; a session of another team is 404.
     */
    delete: operations["delete_v1_sessions_by_id"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sessions/{id}/exec": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run a command in the session's sandbox (attaching a fresh one, files restored, if there is none or it died) and wait for it; its file changes are committed to the store before this returns.
     * @description Needs the scope `sessions:write`; a session of another team is 404.
     */
    post: operations["post_v1_sessions_by_id_exec"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sessions/{id}/files": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the workspace's files (all, or those below `dir`), by path.
     * @description Needs the scope `sessions:read`; a session of another team is 404.
     */
    get: operations["get_v1_sessions_by_id_files"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/sessions/{id}/files/{path}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Read a file's bytes from the store (a symlink's bytes are empty; see its linkTarget in the list).
     * @description Needs the scope `sessions:read`; a session of another team is 404.
     */
    get: operations["get_v1_sessions_by_id_files_by_path"];
    /**
     * Write a file from the raw body: committed to the store before this returns (durable), then applied to the attached sandbox. If-Match: the version you read (412 if it changed); If-None-Match: * to create only.
     * @description Needs the scope `sessions:write`; a session of another team is 404.
     */
    put: operations["put_v1_sessions_by_id_files_by_path"];
    post?: never;
    /**
     * Delete a file (from the store, then from the attached sandbox); If-Match checks its version.
     * @description Needs the scope `sessions:write`; a session of another team is 404.
     */
    delete: operations["delete_v1_sessions_by_id_files_by_path"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/teams": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List teams with their quotas (installation admins).
     * @description Needs an installation admin's token (role `admin`).
     */
    get: operations["get_v1_teams"];
    put?: never;
    /**
     * Create a team, optionally with its quotas (installation admins).
     * @description Needs an installation admin's token (role `admin`).
     */
    post: operations["post_v1_teams"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/teams/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A team, its quotas and what it uses now (installation admins).
     * @description Needs an installation admin's token (role `admin`).
     */
    get: operations["get_v1_teams_by_id"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /**
     * Set a team's quotas: the ones named change, null returns one to the default (installation admins).
     * @description Needs an installation admin's token (role `admin`).
     */
    patch: operations["patch_v1_teams_by_id"];
    trace?: never;
  };
  "/v1/templates": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The team's templates (an installation admin sees every team's).
     * @description Needs the scope `sandboxes:read`.
     */
    get: operations["get_v1_templates"];
    put?: never;
    /**
     * Create (or replace) a template of the caller's team: create-sandbox fields and an optional warm pool {min, max}.
     * @description Needs the scope `templates:write`.
     */
    post: operations["post_v1_templates"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/templates/{name}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One of the team's templates.
     * @description Needs the scope `sandboxes:read`.
     */
    get: operations["get_v1_templates_by_name"];
    /**
     * Replace one of the team's templates (create one with POST); a changed spec replaces its pool's unclaimed sandboxes.
     * @description Needs the scope `templates:write`.
     */
    put: operations["put_v1_templates_by_name"];
    post?: never;
    /**
     * Delete one of the team's templates; its pool's unclaimed sandboxes are destroyed.
     * @description Needs the scope `templates:write`.
     */
    delete: operations["delete_v1_templates_by_name"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/tokens": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the team's tokens (an admin: every team's); never their values.
     * @description Needs the scope `tokens:read`.
     */
    get: operations["get_v1_tokens"];
    put?: never;
    /**
     * Create an API token in a team with a role; the token is in this response only.
     * @description Needs the scope `tokens:write`.
     */
    post: operations["post_v1_tokens"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/tokens/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Revoke a token.
     * @description Needs the scope `tokens:write`; a token of another team is 404.
     */
    delete: operations["delete_v1_tokens_by_id"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/webhooks/github": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** GitHub push / pull_request → a run at that commit (X-Hub-Signature-256; a body delivered again is a duplicate). */
    post: operations["post_v1_webhooks_github"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/webhooks/github/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** GitHub delivery to a team hook (POST /v1/hooks): a run in the hook's team, signed with the hook's secret. */
    post: operations["post_v1_webhooks_github_by_id"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/webhooks/gitlab": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** GitLab push / merge request → a run at that commit (X-Gitlab-Token; a body delivered again is a duplicate). */
    post: operations["post_v1_webhooks_gitlab"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/webhooks/gitlab/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** GitLab delivery to a team hook (POST /v1/hooks): a run in the hook's team, X-Gitlab-Token is the hook's secret. */
    post: operations["post_v1_webhooks_gitlab_by_id"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        code: string;
        details: {
          [key: string]: unknown;
        };
        hint?: string;
        message: string;
      };
    };
  };
  responses: {
    /** @description Malformed request (INVALID_ARGUMENT: bad percent-encoding, NUL or non-UTF-8 bytes in the path, query or a header; a malformed HTTP request) or input that fails the schema (VALIDATION_FAILED, `details.field` names it). */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The request's headers are larger than the server reads (HEADERS_TOO_LARGE). */
    HeadersTooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description An unexpected server error (INTERNAL, STORE_ERROR, …); details are logged. */
    Internal: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The body is over the route's size limit (PAYLOAD_TOO_LARGE). */
    PayloadTooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The server is shutting down (SERVER_SHUTTING_DOWN); retry later. */
    ShuttingDown: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description No token, or one that is unknown, revoked or expired (UNAUTHENTICATED). */
    Unauthenticated: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description A body in a content type the route does not read (UNSUPPORTED_MEDIA_TYPE): send application/json. */
    UnsupportedMediaType: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description A WebSocket endpoint called without the WebSocket upgrade (UPGRADE_REQUIRED). */
    UpgradeRequired: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The path and query are longer than the server reads (URI_TOO_LONG). */
    UriTooLong: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  get_healthz: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Up. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            checks?: {
              [key: string]: unknown;
            };
            status: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_metrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Metrics. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/plain": string;
        };
      };
      400: components["responses"]["BadRequest"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_openapi_json: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The OpenAPI document. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": string;
        };
      };
      400: components["responses"]["BadRequest"];
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_readyz: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ready. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            checks?: {
              [key: string]: unknown;
            };
            status: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      414: components["responses"]["UriTooLong"];
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      /** @description Not ready. */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            checks?: {
              [key: string]: unknown;
            };
            status: string;
          };
        };
      };
    };
  };
  get_v1_audit: {
    parameters: {
      query?: {
        action?: string;
        after?: number;
        before?: number;
        limit?: number;
        order?: "newest" | "oldest";
        resource?: string;
        resourceId?: string;
        since?: string;
        team?: string;
        token?: string;
        until?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Entries. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            entries: {
              /** @description `METHOD /route/pattern`, or `secret.use` when a run was given a secret. */
              action: string;
              /** @description ISO 8601 timestamp */
              at: string;
              details: {
                [key: string]: unknown;
              };
              resource: string;
              resourceId: string | null;
              seq: number;
              /** @description The HTTP status answered (null for a run's own actions). */
              status: number | null;
              /** @description The calling token's team (a run's team for `secret.use`). */
              teamId: string | null;
              /** @description The token that made the call; null for a webhook or c8s itself. */
              tokenId: string | null;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope audit:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_events: {
    parameters: {
      query?: {
        after?: string;
        follow?: "true" | "false";
        limit?: string;
        sandbox?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description JSON when follow is not true; text/event-stream when it is. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            events: {
              /** @description ISO 8601 timestamp */
              at: string;
              data: {
                [key: string]: unknown;
              };
              sandboxId: string;
              seq: number;
              type: string;
            }[];
          };
          "text/event-stream": unknown;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_execute: {
    parameters: {
      query?: {
        encoding?: "utf8" | "base64";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          command: string[];
          cwd?: string;
          env?: {
            [key: string]: string;
          };
          sandbox?: {
            env?: {
              [key: string]: string;
            };
            idleTimeoutMs?: number;
            image?: string;
            labels?: {
              [key: string]: string;
            };
            limits?: {
              cpuMillis?: number;
              diskBytes?: number;
              memoryBytes?: number;
              pids?: number;
            };
            /** @enum {string} */
            network?: "none" | "host";
            ttlMs?: number;
            workdir?: string;
          };
          stdin?: string;
          /** Format: base64 */
          stdinBase64?: string;
          template?: string;
          timeoutMs?: number;
        };
      };
    };
    responses: {
      /** @description The finished command (200 whatever its exit code). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            durationMs: number;
            /** @enum {string} */
            encoding: "utf8" | "base64";
            exitCode: number | null;
            /** @enum {string} */
            reason: "exit" | "signal" | "timeout" | "oom" | "disk" | "killed";
            sandboxId: string;
            signal: string | null;
            stderr: string;
            stdout: string;
            truncated: boolean;
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such template in the caller's team (TEMPLATE_NOT_FOUND). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description A limit, lifetime or timeout over the installation's ceiling. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The team's quota is used up (QUOTA_EXCEEDED). */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      /** @description The server's sandbox limit is reached (SANDBOX_LIMIT_REACHED). */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
    };
  };
  get_v1_hooks: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Hooks, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            hooks: {
              createdAt: string;
              deliveryPath: string;
              id: string;
              lastDeliveryAt: string | null;
              /** @enum {string} */
              provider: "github" | "gitlab";
              repoSecret: string | null;
              repoUrl: string;
              team: string;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope hooks:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_hooks: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @enum {string} */
          provider: "github" | "gitlab";
          repoSecret?: string;
          repoUrl: string;
        };
      };
    };
    responses: {
      /** @description Created; `secret` is shown only now. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            deliveryPath: string;
            id: string;
            lastDeliveryAt: string | null;
            /** @enum {string} */
            provider: "github" | "gitlab";
            repoSecret: string | null;
            repoUrl: string;
            /** @description The signing secret (GitHub) or token (GitLab): shown this once, never again. */
            secret: string;
            team: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description PERMISSION_DENIED: repoSecret needs the scope secrets:use. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SECRET_NOT_FOUND: the team has no secret named by repoSecret. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description REPO_URL_FORBIDDEN: the server's clone policy refuses repoUrl. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_hooks_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The hook. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            deliveryPath: string;
            id: string;
            lastDeliveryAt: string | null;
            /** @enum {string} */
            provider: "github" | "gitlab";
            repoSecret: string | null;
            repoUrl: string;
            team: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope hooks:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description HOOK_NOT_FOUND: no such hook in your team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_hooks_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope hooks:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description HOOK_NOT_FOUND: no such hook in your team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_info: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description About this server. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            capabilities: {
              [key: string]: unknown;
            };
            runtime: string;
            version: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_runs: {
    parameters: {
      query?: {
        branch?: string;
        limit?: number;
        pipeline?: string;
        state?: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
        team?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Runs (without steps). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            runs: {
              artifacts: {
                /** @description Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED. */
                expiredAt?: string;
                key: string;
                path: string;
                /** @description Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked. */
                refused?: string;
                size: number;
                step: string;
              }[];
              branch: string | null;
              cancelPrevious: boolean;
              commit: string | null;
              /** @description ISO 8601 timestamp */
              createdAt: string;
              event: string;
              finishedAt: string | null;
              id: string;
              pipeline: string;
              pipelinePath: string | null;
              priority: number;
              queuePosition: number | null;
              reason: string | null;
              ref: string;
              /** @description The name of the team secret the clone authenticates with (never its value). */
              repoSecret: string | null;
              /** @description Any credential in it replaced by ***. */
              repoUrl: string;
              rerunOf: string | null;
              reuse: string[];
              startedAt: string | null;
              /** @enum {string} */
              state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
              /** @description With GET /v1/runs/:id; absent in lists. */
              steps?: {
                attempts: number;
                durationMs: number | null;
                exitCode: number | null;
                finishedAt: string | null;
                name: string;
                reason: string | null;
                startedAt: string | null;
                /** @enum {string} */
                state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
              }[];
              /** @description The team it belongs to. */
              team: string;
              trigger: {
                by: string;
                debug?: boolean;
                deliveryId?: string;
                /** @description A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks. */
                fork?: boolean;
                /** @description The team hook (POST /v1/hooks) the webhook delivery came through. */
                hook?: string;
                /** @enum {string} */
                kind: "api" | "webhook" | "rerun";
                /** @description Whether that token may use the team's secrets. */
                secrets?: boolean;
                /** @description The token that submitted it. */
                tokenId?: string;
              };
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope runs:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_runs: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          branch?: string;
          cancelPrevious?: boolean;
          commit?: string;
          /** @description Keep a failed step's sandbox to debug it (`c8s runs debug RUN STEP`). */
          debug?: boolean;
          /** @enum {string} */
          event?: "push" | "pull_request" | "tag" | "manual";
          pipelinePath?: string;
          pipelineYaml?: string;
          priority?: number;
          /** @description A secret of the run's team to clone the https:// repository with: a token (sent as the password of user x-access-token) or username:password. Same boundary as any secret: the token needs secrets:use, the secret's policy must allow the run. */
          repoSecret?: string;
          repoUrl: string;
        };
      };
    };
    responses: {
      /** @description The queued run. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            artifacts: {
              /** @description Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED. */
              expiredAt?: string;
              key: string;
              path: string;
              /** @description Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked. */
              refused?: string;
              size: number;
              step: string;
            }[];
            branch: string | null;
            cancelPrevious: boolean;
            commit: string | null;
            /** @description ISO 8601 timestamp */
            createdAt: string;
            event: string;
            finishedAt: string | null;
            id: string;
            pipeline: string;
            pipelinePath: string | null;
            priority: number;
            queuePosition: number | null;
            reason: string | null;
            ref: string;
            /** @description The name of the team secret the clone authenticates with (never its value). */
            repoSecret: string | null;
            /** @description Any credential in it replaced by ***. */
            repoUrl: string;
            rerunOf: string | null;
            reuse: string[];
            startedAt: string | null;
            /** @enum {string} */
            state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            /** @description With GET /v1/runs/:id; absent in lists. */
            steps?: {
              attempts: number;
              durationMs: number | null;
              exitCode: number | null;
              finishedAt: string | null;
              name: string;
              reason: string | null;
              startedAt: string | null;
              /** @enum {string} */
              state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            }[];
            /** @description The team it belongs to. */
            team: string;
            trigger: {
              by: string;
              debug?: boolean;
              deliveryId?: string;
              /** @description A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks. */
              fork?: boolean;
              /** @description The team hook (POST /v1/hooks) the webhook delivery came through. */
              hook?: string;
              /** @enum {string} */
              kind: "api" | "webhook" | "rerun";
              /** @description Whether that token may use the team's secrets. */
              secrets?: boolean;
              /** @description The token that submitted it. */
              tokenId?: string;
            };
          };
        };
      };
      /** @description Invalid request or pipeline (a repoSecret with an ssh:// or credentialed URL). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description An inline pipeline or a repoSecret naming secrets, from a token without secrets:use; a repoSecret whose policy does not allow the run. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SECRET_NOT_FOUND: the run's team has no secret named by repoSecret. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description REPO_URL_FORBIDDEN: the server's clone policy refuses the repository URL (a local path, file://, http://, a private host). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_runs_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run with its steps and queue position. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            artifacts: {
              /** @description Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED. */
              expiredAt?: string;
              key: string;
              path: string;
              /** @description Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked. */
              refused?: string;
              size: number;
              step: string;
            }[];
            branch: string | null;
            cancelPrevious: boolean;
            commit: string | null;
            /** @description ISO 8601 timestamp */
            createdAt: string;
            event: string;
            finishedAt: string | null;
            id: string;
            pipeline: string;
            pipelinePath: string | null;
            priority: number;
            queuePosition: number | null;
            reason: string | null;
            ref: string;
            /** @description The name of the team secret the clone authenticates with (never its value). */
            repoSecret: string | null;
            /** @description Any credential in it replaced by ***. */
            repoUrl: string;
            rerunOf: string | null;
            reuse: string[];
            startedAt: string | null;
            /** @enum {string} */
            state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            /** @description With GET /v1/runs/:id; absent in lists. */
            steps?: {
              attempts: number;
              durationMs: number | null;
              exitCode: number | null;
              finishedAt: string | null;
              name: string;
              reason: string | null;
              startedAt: string | null;
              /** @enum {string} */
              state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            }[];
            /** @description The team it belongs to. */
            team: string;
            trigger: {
              by: string;
              debug?: boolean;
              deliveryId?: string;
              /** @description A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks. */
              fork?: boolean;
              /** @description The team hook (POST /v1/hooks) the webhook delivery came through. */
              hook?: string;
              /** @enum {string} */
              kind: "api" | "webhook" | "rerun";
              /** @description Whether that token may use the team's secrets. */
              secrets?: boolean;
              /** @description The token that submitted it. */
              tokenId?: string;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope runs:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_runs_by_id_cancel: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run with its steps and queue position. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            artifacts: {
              /** @description Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED. */
              expiredAt?: string;
              key: string;
              path: string;
              /** @description Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked. */
              refused?: string;
              size: number;
              step: string;
            }[];
            branch: string | null;
            cancelPrevious: boolean;
            commit: string | null;
            /** @description ISO 8601 timestamp */
            createdAt: string;
            event: string;
            finishedAt: string | null;
            id: string;
            pipeline: string;
            pipelinePath: string | null;
            priority: number;
            queuePosition: number | null;
            reason: string | null;
            ref: string;
            /** @description The name of the team secret the clone authenticates with (never its value). */
            repoSecret: string | null;
            /** @description Any credential in it replaced by ***. */
            repoUrl: string;
            rerunOf: string | null;
            reuse: string[];
            startedAt: string | null;
            /** @enum {string} */
            state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            /** @description With GET /v1/runs/:id; absent in lists. */
            steps?: {
              attempts: number;
              durationMs: number | null;
              exitCode: number | null;
              finishedAt: string | null;
              name: string;
              reason: string | null;
              startedAt: string | null;
              /** @enum {string} */
              state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            }[];
            /** @description The team it belongs to. */
            team: string;
            trigger: {
              by: string;
              debug?: boolean;
              deliveryId?: string;
              /** @description A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks. */
              fork?: boolean;
              /** @description The team hook (POST /v1/hooks) the webhook delivery came through. */
              hook?: string;
              /** @enum {string} */
              kind: "api" | "webhook" | "rerun";
              /** @description Whether that token may use the team's secrets. */
              secrets?: boolean;
              /** @description The token that submitted it. */
              tokenId?: string;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope runs:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_runs_by_id_rerun: {
    parameters: {
      query?: {
        debug?: "true" | "false";
        from?: "failed";
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run with its steps and queue position. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            artifacts: {
              /** @description Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED. */
              expiredAt?: string;
              key: string;
              path: string;
              /** @description Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked. */
              refused?: string;
              size: number;
              step: string;
            }[];
            branch: string | null;
            cancelPrevious: boolean;
            commit: string | null;
            /** @description ISO 8601 timestamp */
            createdAt: string;
            event: string;
            finishedAt: string | null;
            id: string;
            pipeline: string;
            pipelinePath: string | null;
            priority: number;
            queuePosition: number | null;
            reason: string | null;
            ref: string;
            /** @description The name of the team secret the clone authenticates with (never its value). */
            repoSecret: string | null;
            /** @description Any credential in it replaced by ***. */
            repoUrl: string;
            rerunOf: string | null;
            reuse: string[];
            startedAt: string | null;
            /** @enum {string} */
            state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            /** @description With GET /v1/runs/:id; absent in lists. */
            steps?: {
              attempts: number;
              durationMs: number | null;
              exitCode: number | null;
              finishedAt: string | null;
              name: string;
              reason: string | null;
              startedAt: string | null;
              /** @enum {string} */
              state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            }[];
            /** @description The team it belongs to. */
            team: string;
            trigger: {
              by: string;
              debug?: boolean;
              deliveryId?: string;
              /** @description A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks. */
              fork?: boolean;
              /** @description The team hook (POST /v1/hooks) the webhook delivery came through. */
              hook?: string;
              /** @enum {string} */
              kind: "api" | "webhook" | "rerun";
              /** @description Whether that token may use the team's secrets. */
              secrets?: boolean;
              /** @description The token that submitted it. */
              tokenId?: string;
            };
          };
        };
      };
      /** @description The new run. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            artifacts: {
              /** @description Set when the artifact retention (C8S_ARTIFACT_RETENTION_DAYS after the run finished) deleted it: a download answers 410 ARTIFACT_EXPIRED. */
              expiredAt?: string;
              key: string;
              path: string;
              /** @description Set when the artifact was not stored because it showed a secret where it cannot be masked (a binary file, a directory's tar, its path): why, naming the secret. Text artifacts are stored masked. */
              refused?: string;
              size: number;
              step: string;
            }[];
            branch: string | null;
            cancelPrevious: boolean;
            commit: string | null;
            /** @description ISO 8601 timestamp */
            createdAt: string;
            event: string;
            finishedAt: string | null;
            id: string;
            pipeline: string;
            pipelinePath: string | null;
            priority: number;
            queuePosition: number | null;
            reason: string | null;
            ref: string;
            /** @description The name of the team secret the clone authenticates with (never its value). */
            repoSecret: string | null;
            /** @description Any credential in it replaced by ***. */
            repoUrl: string;
            rerunOf: string | null;
            reuse: string[];
            startedAt: string | null;
            /** @enum {string} */
            state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            /** @description With GET /v1/runs/:id; absent in lists. */
            steps?: {
              attempts: number;
              durationMs: number | null;
              exitCode: number | null;
              finishedAt: string | null;
              name: string;
              reason: string | null;
              startedAt: string | null;
              /** @enum {string} */
              state: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped" | "timed-out";
            }[];
            /** @description The team it belongs to. */
            team: string;
            trigger: {
              by: string;
              debug?: boolean;
              deliveryId?: string;
              /** @description A pull request from a fork (or of the re-run of one): secrets are withheld unless a secret's policy allows forks. */
              fork?: boolean;
              /** @description The team hook (POST /v1/hooks) the webhook delivery came through. */
              hook?: string;
              /** @enum {string} */
              kind: "api" | "webhook" | "rerun";
              /** @description Whether that token may use the team's secrets. */
              secrets?: boolean;
              /** @description The token that submitted it. */
              tokenId?: string;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The run's repoSecret, from a token without secrets:use or outside the secret's policy. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such run. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description REPO_URL_FORBIDDEN: the server's clone policy refuses the repository URL (a local path, file://, http://, a private host). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_runs_by_id_steps_by_step_artifacts: {
    parameters: {
      query: {
        path: string;
      };
      header?: never;
      path: {
        id: string;
        step: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The artifact's bytes (streamed from the blob store). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope runs:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such run, step or artifact. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description ARTIFACT_EXPIRED: the artifact retention (C8S_ARTIFACT_RETENTION_DAYS) deleted it. */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_runs_by_id_steps_by_step_logs: {
    parameters: {
      query?: {
        cursor?: number;
        follow?: "true" | "false";
      };
      header?: never;
      path: {
        id: string;
        step: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description text/plain, or text/event-stream when following. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/event-stream": unknown;
          "text/plain": string;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope runs:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such run or step. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_runs_by_id_steps_by_step_logs_ws: {
    parameters: {
      query?: {
        access_token?: string;
        cursor?: number;
      };
      header?: never;
      path: {
        id: string;
        step: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to the WebSocket protocol. */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope runs:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such run or step. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      426: components["responses"]["UpgradeRequired"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes: {
    parameters: {
      query?: {
        label?: string | string[];
        limit?: string;
        purpose?: string;
        run?: string;
        state?: string;
        team?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Matching sandboxes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            sandboxes: {
              /** @description ISO 8601 timestamp */
              createdAt: string;
              endedAt: string | null;
              expiresAt: string | null;
              id: string;
              image: string | null;
              labels: {
                [key: string]: string;
              };
              /** @description ISO 8601 timestamp */
              lastActivityAt: string;
              limits: {
                cpuMillis: number | null;
                diskBytes: number | null;
                memoryBytes: number | null;
                pids: number | null;
              };
              /** @enum {string} */
              network: "none" | "host";
              /** @enum {string} */
              purpose: "sandbox" | "step" | "service" | "session" | "agent";
              /** @description The pipeline run a step or service sandbox belongs to. */
              runId: string | null;
              /** @enum {string} */
              runtime: "local" | "docker" | "kubernetes";
              startedAt: string | null;
              /** @enum {string} */
              state: "creating" | "running" | "stopping" | "terminated";
              /** @description The step (or service) of that run. */
              step: string | null;
              /** @description The team it belongs to. */
              team: string;
              terminationMessage: string | null;
              terminationReason: string | null;
              workdir: string;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sandboxes: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          env?: {
            [key: string]: string;
          };
          idleTimeoutMs?: number;
          image?: string;
          labels?: {
            [key: string]: string;
          };
          limits?: {
            cpuMillis?: number;
            diskBytes?: number;
            memoryBytes?: number;
            pids?: number;
          };
          /** @enum {string} */
          network?: "none" | "host";
          template?: string;
          ttlMs?: number;
          workdir?: string;
        };
      };
    };
    responses: {
      /** @description The running sandbox. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description ISO 8601 timestamp */
            createdAt: string;
            endedAt: string | null;
            expiresAt: string | null;
            id: string;
            image: string | null;
            labels: {
              [key: string]: string;
            };
            /** @description ISO 8601 timestamp */
            lastActivityAt: string;
            limits: {
              cpuMillis: number | null;
              diskBytes: number | null;
              memoryBytes: number | null;
              pids: number | null;
            };
            /** @enum {string} */
            network: "none" | "host";
            /** @enum {string} */
            purpose: "sandbox" | "step" | "service" | "session" | "agent";
            /** @description The pipeline run a step or service sandbox belongs to. */
            runId: string | null;
            /** @enum {string} */
            runtime: "local" | "docker" | "kubernetes";
            startedAt: string | null;
            /** @enum {string} */
            state: "creating" | "running" | "stopping" | "terminated";
            /** @description The step (or service) of that run. */
            step: string | null;
            /** @description The team it belongs to. */
            team: string;
            terminationMessage: string | null;
            terminationReason: string | null;
            workdir: string;
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description network "host" asked by a caller the host-network policy refuses. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such image (IMAGE_NOT_FOUND). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description A limit or lifetime over the installation's ceiling (LIMIT_EXCEEDED). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The sandbox. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description ISO 8601 timestamp */
            createdAt: string;
            endedAt: string | null;
            expiresAt: string | null;
            id: string;
            image: string | null;
            labels: {
              [key: string]: string;
            };
            /** @description ISO 8601 timestamp */
            lastActivityAt: string;
            limits: {
              cpuMillis: number | null;
              diskBytes: number | null;
              memoryBytes: number | null;
              pids: number | null;
            };
            /** @enum {string} */
            network: "none" | "host";
            /** @enum {string} */
            purpose: "sandbox" | "step" | "service" | "session" | "agent";
            /** @description The pipeline run a step or service sandbox belongs to. */
            runId: string | null;
            /** @enum {string} */
            runtime: "local" | "docker" | "kubernetes";
            startedAt: string | null;
            /** @enum {string} */
            state: "creating" | "running" | "stopping" | "terminated";
            /** @description The step (or service) of that run. */
            step: string | null;
            /** @description The team it belongs to. */
            team: string;
            terminationMessage: string | null;
            terminationReason: string | null;
            workdir: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_sandboxes_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The terminated sandbox. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description ISO 8601 timestamp */
            createdAt: string;
            endedAt: string | null;
            expiresAt: string | null;
            id: string;
            image: string | null;
            labels: {
              [key: string]: string;
            };
            /** @description ISO 8601 timestamp */
            lastActivityAt: string;
            limits: {
              cpuMillis: number | null;
              diskBytes: number | null;
              memoryBytes: number | null;
              pids: number | null;
            };
            /** @enum {string} */
            network: "none" | "host";
            /** @enum {string} */
            purpose: "sandbox" | "step" | "service" | "session" | "agent";
            /** @description The pipeline run a step or service sandbox belongs to. */
            runId: string | null;
            /** @enum {string} */
            runtime: "local" | "docker" | "kubernetes";
            startedAt: string | null;
            /** @enum {string} */
            state: "creating" | "running" | "stopping" | "terminated";
            /** @description The step (or service) of that run. */
            step: string | null;
            /** @description The team it belongs to. */
            team: string;
            terminationMessage: string | null;
            terminationReason: string | null;
            workdir: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sandboxes_by_id_exec: {
    parameters: {
      query?: {
        encoding?: "utf8" | "base64";
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          command: string[];
          cwd?: string;
          env?: {
            [key: string]: string;
          };
          stdin?: string;
          /** Format: base64 */
          stdinBase64?: string;
          timeoutMs?: number;
        };
      };
    };
    responses: {
      /** @description The finished command. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            durationMs: number;
            /** @enum {string} */
            encoding: "utf8" | "base64";
            execId: string;
            exitCode: number | null;
            /** @enum {string} */
            reason: "exit" | "signal" | "timeout" | "oom" | "disk" | "killed";
            signal: string | null;
            stderr: string;
            stdout: string;
            truncated: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description A timeout over the installation's ceiling (LIMIT_EXCEEDED). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_exec_stream: {
    parameters: {
      query?: {
        access_token?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to the WebSocket protocol. */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      426: components["responses"]["UpgradeRequired"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_execs: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Execs, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            execs: {
              command: string[];
              durationMs: number | null;
              endedAt: string | null;
              exitCode: number | null;
              id: string;
              reason: string | null;
              sandboxId: string;
              signal: string | null;
              /** @description ISO 8601 timestamp */
              startedAt: string;
              /** @enum {string} */
              state: "running" | "finished";
              tty: boolean;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sandboxes_by_id_execs: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          command: string[];
          cwd?: string;
          env?: {
            [key: string]: string;
          };
          stdin?: boolean;
          timeoutMs?: number;
          tty?: {
            cols: number;
            rows: number;
          };
        };
      };
    };
    responses: {
      /** @description The exec started. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            execId: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description A timeout over the installation's ceiling (LIMIT_EXCEEDED). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_execs_by_execId: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        execId: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The exec. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            command: string[];
            durationMs: number | null;
            endedAt: string | null;
            exitCode: number | null;
            id: string;
            reason: string | null;
            sandboxId: string;
            signal: string | null;
            /** @description ISO 8601 timestamp */
            startedAt: string;
            /** @enum {string} */
            state: "running" | "finished";
            tty: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such exec. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_execs_by_execId_attach: {
    parameters: {
      query?: {
        access_token?: string;
        cursor?: string;
      };
      header?: never;
      path: {
        execId: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to the WebSocket protocol. */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or exec. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The exec's output is no longer buffered (EXEC_OUTPUT_EXPIRED). */
      410: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      426: components["responses"]["UpgradeRequired"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sandboxes_by_id_execs_by_execId_kill: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        execId: string;
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @enum {string} */
          signal?:
            | "SIGHUP"
            | "SIGINT"
            | "SIGQUIT"
            | "SIGKILL"
            | "SIGTERM"
            | "SIGUSR1"
            | "SIGUSR2"
            | "SIGSTOP"
            | "SIGCONT"
            | "SIGPIPE"
            | "SIGALRM";
        };
      };
    };
    responses: {
      /** @description Signalled. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sandboxes_by_id_execs_by_execId_stdin: {
    parameters: {
      query?: {
        eof?: "true" | "false";
      };
      header?: never;
      path: {
        execId: string;
        id: string;
      };
      cookie?: never;
    };
    /** @description Bytes for the command's stdin. */
    requestBody?: {
      content: {
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description Written. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The exec has ended. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_files: {
    parameters: {
      query: {
        path: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The file's contents. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  put_v1_sandboxes_by_id_files: {
    parameters: {
      query: {
        mode?: string;
        path: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    /** @description The file's new contents. */
    requestBody?: {
      content: {
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description Written. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body over the limit. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_sandboxes_by_id_files: {
    parameters: {
      query: {
        path: string;
        recursive?: "true" | "false";
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_files_list: {
    parameters: {
      query?: {
        path?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Its entries. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            entries: {
              linkTarget?: string;
              mode: number;
              /** @description ISO 8601 timestamp */
              modifiedAt: string;
              name: string;
              path: string;
              size: number;
              /** @enum {string} */
              type: "file" | "directory" | "symlink" | "other";
            }[];
          };
        };
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sandboxes_by_id_files_mkdir: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          path: string;
          recursive?: boolean;
        };
      };
    };
    responses: {
      /** @description Created. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_files_stat: {
    parameters: {
      query: {
        path: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The entry. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            linkTarget?: string;
            mode: number;
            /** @description ISO 8601 timestamp */
            modifiedAt: string;
            name: string;
            path: string;
            size: number;
            /** @enum {string} */
            type: "file" | "directory" | "symlink" | "other";
          };
        };
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sandboxes_by_id_files_tar: {
    parameters: {
      query: {
        path: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A tar archive, entries relative to the directory. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/x-tar": string;
        };
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  put_v1_sandboxes_by_id_files_tar: {
    parameters: {
      query: {
        path: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    /** @description A tar archive. */
    requestBody?: {
      content: {
        "application/x-tar": string;
      };
    };
    responses: {
      /** @description Extracted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid path (PATH_OUTSIDE_SANDBOX, NOT_A_DIRECTORY, …). */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such sandbox or file. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The sandbox is not running (SANDBOX_NOT_RUNNING). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body over the limit. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_secrets: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Names. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            secrets: {
              createdAt: string;
              name: string;
              policy: {
                branches?: string[];
                events?: ("push" | "pull_request" | "tag" | "manual" | "schedule")[];
                forks?: boolean;
                repos?: string[];
              } | null;
              team: string;
              updatedAt: string;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope secrets:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_secrets: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          name: string;
          /** @description Which runs may use the secret. Absent fields allow everything except pull requests from forks. */
          policy?: {
            branches?: string[];
            events?: ("push" | "pull_request" | "tag" | "manual" | "schedule")[];
            forks?: boolean;
            repos?: string[];
          };
          value: string;
        };
      };
    };
    responses: {
      /** @description Stored (the value is never returned). */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            name: string;
            policy: {
              branches?: string[];
              events?: ("push" | "pull_request" | "tag" | "manual" | "schedule")[];
              forks?: boolean;
              repos?: string[];
            } | null;
            team: string;
            updatedAt: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope secrets:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_secrets_key_rotate: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": Record<string, never>;
      };
    };
    responses: {
      /** @description How many values were re-sealed (never a value or a key). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            credentials: number;
            hooks: number;
            secrets: number;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description Not an admin token. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_secrets_by_name: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope secrets:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such secret. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Sessions. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            sessions: {
              createdAt: string;
              envNames: string[];
              id: string;
              idleTimeoutMs: number;
              ignore: string[];
              image: string | null;
              lastActivityAt: string;
              maxLifetimeMs: number;
              name: string | null;
              /** @description The sandbox attached now (purpose `session`), or null. */
              sandboxId: string | null;
              /** @enum {string} */
              state: "active" | "deleted";
              team: string;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sessions: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          env?: {
            [key: string]: string;
          };
          idleTimeoutMs?: number;
          /** @description Paths not synced back to the store; `dir/` names a directory at any depth. Default: node_modules/, .venv/, __pycache__/, .cache/. */
          ignore?: string[];
          image?: string;
          limits?: {
            cpuMillis?: number;
            memoryBytes?: number;
            pids?: number;
          };
          maxLifetimeMs?: number;
          name?: string;
        };
      };
    };
    responses: {
      /** @description Created. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            envNames: string[];
            id: string;
            idleTimeoutMs: number;
            ignore: string[];
            image: string | null;
            lastActivityAt: string;
            maxLifetimeMs: number;
            name: string | null;
            /** @description The sandbox attached now (purpose `session`), or null. */
            sandboxId: string | null;
            /** @enum {string} */
            state: "active" | "deleted";
            team: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description LIMIT_EXCEEDED: a lifetime or limit above the installation's ceiling. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sessions_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The session. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            envNames: string[];
            id: string;
            idleTimeoutMs: number;
            ignore: string[];
            image: string | null;
            lastActivityAt: string;
            maxLifetimeMs: number;
            name: string | null;
            /** @description The sandbox attached now (purpose `session`), or null. */
            sandboxId: string | null;
            /** @enum {string} */
            state: "active" | "deleted";
            team: string;
            usage: {
              bytes: number;
              files: number;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND: no such session in your team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_sessions_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND: no such session in your team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_sessions_by_id_exec: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          command: string[];
          env?: {
            [key: string]: string;
          };
          stdin?: string;
          /** Format: base64 */
          stdinBase64?: string;
          timeoutMs?: number;
        };
      };
    };
    responses: {
      /** @description The finished command. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            durationMs: number;
            /** @enum {string} */
            encoding: "utf8" | "base64";
            exitCode: number | null;
            reason: string;
            sandbox: {
              /** @description True when this exec attached a new sandbox and restored the files into it. */
              attached: boolean;
              replaced: {
                reason: string;
                sandboxId: string;
              } | null;
              sandboxId: string;
            };
            signal: string | null;
            stderr: string;
            stdout: string;
            sync: {
              deleted: number;
              error: {
                code: string;
                message: string;
              } | null;
              skipped: {
                path: string;
                reason: string;
              }[];
              written: number;
            };
            truncated: boolean;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND: no such session in your team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sessions_by_id_files: {
    parameters: {
      query?: {
        dir?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Files. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            files: {
              /** @enum {string} */
              kind: "file" | "symlink";
              linkTarget: string | null;
              mode: number;
              mtime: string;
              path: string;
              sha256: string;
              size: number;
              /** @description 1 on creation, +1 per write; the ETag, and what If-Match names. */
              version: number;
            }[];
          };
        };
      };
      /** @description PATH_OUTSIDE_SANDBOX: '..', an absolute path or NUL. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND, or FILE_NOT_FOUND. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_sessions_by_id_files_by_path: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        path: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The file. */
      200: {
        headers: {
          /** @description The file's version, quoted ("3"). */
          ETag?: string;
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      /** @description PATH_OUTSIDE_SANDBOX: '..', an absolute path or NUL. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND, or FILE_NOT_FOUND. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  put_v1_sessions_by_id_files_by_path: {
    parameters: {
      query?: {
        mode?: number;
      };
      header?: never;
      path: {
        id: string;
        path: string;
      };
      cookie?: never;
    };
    /** @description The file's new contents. */
    requestBody?: {
      content: {
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description Written; the file's new version. */
      200: {
        headers: {
          /** @description The file's version, quoted ("3"). */
          ETag?: string;
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {string} */
            kind: "file" | "symlink";
            linkTarget: string | null;
            mode: number;
            mtime: string;
            path: string;
            sha256: string;
            size: number;
            /** @description 1 on creation, +1 per write; the ETag, and what If-Match names. */
            version: number;
          };
        };
      };
      /** @description PATH_OUTSIDE_SANDBOX: '..', an absolute path or NUL. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND, or FILE_NOT_FOUND. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description FILE_VERSION_CONFLICT: someone saved it since the version you name. */
      412: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description FILE_TOO_LARGE (one file), SESSION_QUOTA_EXCEEDED (file count or total bytes). */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_sessions_by_id_files_by_path: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        path: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description PATH_OUTSIDE_SANDBOX: '..', an absolute path or NUL. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sessions:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description SESSION_NOT_FOUND, or FILE_NOT_FOUND. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description FILE_VERSION_CONFLICT: If-Match is not the file's version. */
      412: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_teams: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Teams. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            teams: {
              createdAt: string;
              /** @description What applies: the team's own, else the installation's default; null: none. */
              effectiveQuotas: {
                maxCpuMillis: number | null;
                maxMemoryBytes: number | null;
                maxRuns: number | null;
                maxSandboxes: number | null;
                maxStoredBytes: number | null;
              };
              id: string;
              name: string;
              /** @description The team's own quotas; null: the installation's default. */
              quotas: {
                maxCpuMillis: number | null;
                maxMemoryBytes: number | null;
                maxRuns: number | null;
                maxSandboxes: number | null;
                maxStoredBytes: number | null;
              };
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description Not an admin token. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_teams: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          name: string;
          quotas?: {
            /** @description The CPU limits of its active sandboxes, summed (1000 = one core); null: the installation's default. */
            maxCpuMillis?: number | null;
            /** @description The memory limits of its active sandboxes, summed, in bytes; null: the installation's default. */
            maxMemoryBytes?: number | null;
            /** @description Its pipeline runs executing at once (more wait queued); null: the installation's default. */
            maxRuns?: number | null;
            /** @description Active sandboxes of the team at once (steps and services of its runs count); null: the installation's default. */
            maxSandboxes?: number | null;
            /** @description What its runs keep on disk (artifacts and step logs), in bytes; a submit at or over it is refused; null: the installation's default. */
            maxStoredBytes?: number | null;
          };
        };
      };
    };
    responses: {
      /** @description The new team. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            /** @description What applies: the team's own, else the installation's default; null: none. */
            effectiveQuotas: {
              maxCpuMillis: number | null;
              maxMemoryBytes: number | null;
              maxRuns: number | null;
              maxSandboxes: number | null;
              maxStoredBytes: number | null;
            };
            id: string;
            name: string;
            /** @description The team's own quotas; null: the installation's default. */
            quotas: {
              maxCpuMillis: number | null;
              maxMemoryBytes: number | null;
              maxRuns: number | null;
              maxSandboxes: number | null;
              maxStoredBytes: number | null;
            };
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description Not an admin token. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description The name is taken. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_teams_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The team. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            /** @description What applies: the team's own, else the installation's default; null: none. */
            effectiveQuotas: {
              maxCpuMillis: number | null;
              maxMemoryBytes: number | null;
              maxRuns: number | null;
              maxSandboxes: number | null;
              maxStoredBytes: number | null;
            };
            id: string;
            name: string;
            /** @description The team's own quotas; null: the installation's default. */
            quotas: {
              maxCpuMillis: number | null;
              maxMemoryBytes: number | null;
              maxRuns: number | null;
              maxSandboxes: number | null;
              maxStoredBytes: number | null;
            };
            /** @description Its active sandboxes (every purpose), their memory and CPU limits summed, its runs executing, and the bytes its runs keep on disk (artifacts and step logs). */
            usage: {
              cpuMillis: number;
              memoryBytes: number;
              runs: number;
              sandboxes: number;
              storedBytes: number;
            };
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description Not an admin token. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such team (TEAM_NOT_FOUND). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  patch_v1_teams_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          quotas: {
            /** @description The CPU limits of its active sandboxes, summed (1000 = one core); null: the installation's default. */
            maxCpuMillis?: number | null;
            /** @description The memory limits of its active sandboxes, summed, in bytes; null: the installation's default. */
            maxMemoryBytes?: number | null;
            /** @description Its pipeline runs executing at once (more wait queued); null: the installation's default. */
            maxRuns?: number | null;
            /** @description Active sandboxes of the team at once (steps and services of its runs count); null: the installation's default. */
            maxSandboxes?: number | null;
            /** @description What its runs keep on disk (artifacts and step logs), in bytes; a submit at or over it is refused; null: the installation's default. */
            maxStoredBytes?: number | null;
          };
        };
      };
    };
    responses: {
      /** @description The team. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            /** @description What applies: the team's own, else the installation's default; null: none. */
            effectiveQuotas: {
              maxCpuMillis: number | null;
              maxMemoryBytes: number | null;
              maxRuns: number | null;
              maxSandboxes: number | null;
              maxStoredBytes: number | null;
            };
            id: string;
            name: string;
            /** @description The team's own quotas; null: the installation's default. */
            quotas: {
              maxCpuMillis: number | null;
              maxMemoryBytes: number | null;
              maxRuns: number | null;
              maxSandboxes: number | null;
              maxStoredBytes: number | null;
            };
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description Not an admin token. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such team (TEAM_NOT_FOUND). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_templates: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Templates. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            templates: {
              createdAt: string;
              name: string;
              pool: {
                max: number;
                min: number;
              };
              spec: {
                env?: {
                  [key: string]: string;
                };
                idleTimeoutMs?: number;
                image?: string;
                limits?: {
                  cpuMillis?: number;
                  diskBytes?: number;
                  memoryBytes?: number;
                  pids?: number;
                };
                /** @enum {string} */
                network?: "none" | "host";
                ttlMs?: number;
                workdir?: string;
              };
              team: string;
              updatedAt: string;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_templates: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          env?: {
            [key: string]: string;
          };
          idleTimeoutMs?: number;
          image?: string;
          limits?: {
            cpuMillis?: number;
            diskBytes?: number;
            memoryBytes?: number;
            pids?: number;
          };
          name: string;
          /** @enum {string} */
          network?: "none" | "host";
          pool?: {
            max?: number;
            min: number;
          };
          ttlMs?: number;
          workdir?: string;
        };
      };
    };
    responses: {
      /** @description The stored template. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            name: string;
            pool: {
              max: number;
              min: number;
            };
            spec: {
              env?: {
                [key: string]: string;
              };
              idleTimeoutMs?: number;
              image?: string;
              limits?: {
                cpuMillis?: number;
                diskBytes?: number;
                memoryBytes?: number;
                pids?: number;
              };
              /** @enum {string} */
              network?: "none" | "host";
              ttlMs?: number;
              workdir?: string;
            };
            team: string;
            updatedAt: string;
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description network "host" asked by a caller the host-network policy refuses. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description A limit or lifetime over the installation's ceiling. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_templates_by_name: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The template. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            name: string;
            pool: {
              max: number;
              min: number;
            };
            spec: {
              env?: {
                [key: string]: string;
              };
              idleTimeoutMs?: number;
              image?: string;
              limits?: {
                cpuMillis?: number;
                diskBytes?: number;
                memoryBytes?: number;
                pids?: number;
              };
              /** @enum {string} */
              network?: "none" | "host";
              ttlMs?: number;
              workdir?: string;
            };
            team: string;
            updatedAt: string;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope sandboxes:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such template in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  put_v1_templates_by_name: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          env?: {
            [key: string]: string;
          };
          idleTimeoutMs?: number;
          image?: string;
          limits?: {
            cpuMillis?: number;
            diskBytes?: number;
            memoryBytes?: number;
            pids?: number;
          };
          /** @enum {string} */
          network?: "none" | "host";
          pool?: {
            max?: number;
            min: number;
          };
          ttlMs?: number;
          workdir?: string;
        };
      };
    };
    responses: {
      /** @description The stored template. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            createdAt: string;
            name: string;
            pool: {
              max: number;
              min: number;
            };
            spec: {
              env?: {
                [key: string]: string;
              };
              idleTimeoutMs?: number;
              image?: string;
              limits?: {
                cpuMillis?: number;
                diskBytes?: number;
                memoryBytes?: number;
                pids?: number;
              };
              /** @enum {string} */
              network?: "none" | "host";
              ttlMs?: number;
              workdir?: string;
            };
            team: string;
            updatedAt: string;
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description network "host" asked by a caller the host-network policy refuses. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such template in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description A limit or lifetime over the installation's ceiling. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_templates_by_name: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Deleted. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope templates:write (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such template in the caller's team. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  get_v1_tokens: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Tokens. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            tokens: {
              /** @description ISO 8601 timestamp */
              createdAt: string;
              expiresAt: string | null;
              id: string;
              lastUsedAt: string | null;
              name: string;
              revokedAt: string | null;
              /** @enum {string} */
              role: "admin" | "owner" | "member" | "viewer";
              /** @description What the token may do: its role's scopes, narrowed. */
              scopes: string[];
              team: string;
            }[];
          };
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description The token lacks the scope tokens:read (PERMISSION_DENIED). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_tokens: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @description Lifetime (30d, 12h, …); default: never expires. */
          expiresIn?: string;
          name: string;
          /**
           * @description Default member (or from legacy scopes).
           * @enum {string}
           */
          role?: "admin" | "owner" | "member" | "viewer";
          /** @description Narrower scopes than the role's; `admin`/`sandboxes` (legacy) name a role. */
          scopes?: (
            | "admin"
            | "sandboxes"
            | "sandboxes:read"
            | "sandboxes:write"
            | "runs:read"
            | "runs:write"
            | "templates:write"
            | "secrets:read"
            | "secrets:write"
            | "secrets:use"
            | "tokens:read"
            | "tokens:write"
            | "audit:read"
            | "hooks:read"
            | "hooks:write"
            | "sessions:read"
            | "sessions:write"
          )[];
          /** @description The token's team; default: the caller's. */
          team?: string;
        };
      };
    };
    responses: {
      /** @description The new token. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @description ISO 8601 timestamp */
            createdAt: string;
            expiresAt: string | null;
            id: string;
            lastUsedAt: string | null;
            name: string;
            revokedAt: string | null;
            /** @enum {string} */
            role: "admin" | "owner" | "member" | "viewer";
            /** @description What the token may do: its role's scopes, narrowed. */
            scopes: string[];
            team: string;
            /** @description Shown once, never again. */
            token: string;
          };
        };
      };
      /** @description Invalid request. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      401: components["responses"]["Unauthenticated"];
      /** @description A role or team the caller may not grant. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such team (TEAM_NOT_FOUND). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  delete_v1_tokens_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Revoked. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthenticated"];
      /** @description A token of a higher role than the caller's. */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such token. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description A token revoking itself. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      413: components["responses"]["PayloadTooLarge"];
      414: components["responses"]["UriTooLong"];
      415: components["responses"]["UnsupportedMediaType"];
      /** @description Too many requests (RATE_LIMITED): wait the Retry-After seconds and retry. */
      429: {
        headers: {
          /** @description Seconds until a request is allowed again (at least 1). */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_webhooks_github: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The GitHub event payload, exactly as signed. */
    requestBody?: {
      content: {
        "application/json": string;
      };
    };
    responses: {
      /** @description Delivery handled (a run queued, a duplicate, or ignored). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            accepted: boolean;
            duplicate: boolean;
            ignored?: string;
            runId: string | null;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      /** @description WEBHOOK_SIGNATURE_INVALID. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body over the webhook size limit. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description REPO_URL_FORBIDDEN: the server's clone policy refuses the payload's clone URL. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_webhooks_github_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    /** @description The GitHub event payload, exactly as signed. */
    requestBody?: {
      content: {
        "application/json": string;
      };
    };
    responses: {
      /** @description Delivery handled (a run queued, a duplicate, or ignored). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            accepted: boolean;
            duplicate: boolean;
            ignored?: string;
            runId: string | null;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      /** @description WEBHOOK_SIGNATURE_INVALID (also for a hook that does not exist). */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description PERMISSION_DENIED: the hook's repoSecret refuses this delivery (its policy). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such resource. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body over the webhook size limit. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description WEBHOOK_REPO_MISMATCH (another repository than the hook's) or REPO_URL_FORBIDDEN. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_webhooks_gitlab: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** @description The GitLab event payload. */
    requestBody?: {
      content: {
        "application/json": string;
      };
    };
    responses: {
      /** @description Delivery handled (a run queued, a duplicate, or ignored). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            accepted: boolean;
            duplicate: boolean;
            ignored?: string;
            runId: string | null;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      /** @description WEBHOOK_SIGNATURE_INVALID. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body over the webhook size limit. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description REPO_URL_FORBIDDEN: the server's clone policy refuses the payload's clone URL. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
  post_v1_webhooks_gitlab_by_id: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    /** @description The GitLab event payload. */
    requestBody?: {
      content: {
        "application/json": string;
      };
    };
    responses: {
      /** @description Delivery handled (a run queued, a duplicate, or ignored). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            accepted: boolean;
            duplicate: boolean;
            ignored?: string;
            runId: string | null;
          };
        };
      };
      400: components["responses"]["BadRequest"];
      /** @description WEBHOOK_SIGNATURE_INVALID (also for a hook that does not exist). */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description PERMISSION_DENIED: the hook's repoSecret refuses this delivery (its policy). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description No such resource. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description Body over the webhook size limit. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      414: components["responses"]["UriTooLong"];
      /** @description WEBHOOK_REPO_MISMATCH (another repository than the hook's) or REPO_URL_FORBIDDEN. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      /** @description RATE_LIMITED, or QUOTA_EXCEEDED (quota storedBytes): the team's runs already keep its maxStoredBytes of artifacts and logs. */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Error"];
        };
      };
      431: components["responses"]["HeadersTooLarge"];
      500: components["responses"]["Internal"];
      503: components["responses"]["ShuttingDown"];
    };
  };
}
