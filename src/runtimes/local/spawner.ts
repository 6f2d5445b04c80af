/**
 * Starts sandbox launchers through a small helper process (spawner-child.mjs) instead of
 * forking the c8s process itself: with the embedded PGlite store resident (~800 MB), every
 * `spawn()` from the server blocks its event loop for ~17 ms while the kernel copies page
 * tables; from the helper it costs ~1.5 ms. What comes back behaves like a ChildProcess as far
 * as the local runtime uses one: `pid`, `exit`/`error` events, stdout/stderr and fd 4 streams,
 * `kill()`. If the helper cannot run, spawns happen in-process as before.
 */
import { type ChildProcess, fork, spawn, type StdioOptions } from "node:child_process";
import { EventEmitter } from "node:events";
import { PassThrough, type Readable, type Writable } from "node:stream";

export interface LaunchOptions {
  stdio: Array<"ignore" | "pipe">;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The part of a ChildProcess the local runtime relies on. */
export interface LaunchedProcess extends EventEmitter {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  readonly stdio: ReadonlyArray<Readable | Writable | null | undefined>;
  kill(signal?: NodeJS.Signals): boolean;
}

type SpawnerMessage =
  | { type: "spawned"; id: number; pid: number }
  | { type: "data"; id: number; fd: number; data: Uint8Array }
  | { type: "error"; id: number; message: string }
  | { type: "exit"; id: number; code: number | null; signal: NodeJS.Signals | null };

class RemoteProcess extends EventEmitter implements LaunchedProcess {
  pid: number | undefined;
  exited = false;
  readonly stdio: Array<PassThrough | null>;

  constructor(stdio: LaunchOptions["stdio"]) {
    super();
    this.stdio = stdio.map((mode, fd) => (mode === "pipe" && fd !== 0 ? new PassThrough() : null));
  }

  get stdout(): Readable | null {
    return this.stdio[1] ?? null;
  }

  get stderr(): Readable | null {
    return this.stdio[2] ?? null;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): boolean {
    if (this.exited || this.pid === undefined) return false;
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false;
    }
  }

  finish(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    for (const stream of this.stdio) stream?.end();
    this.emit("exit", code, signal);
    this.emit("close", code, signal);
  }
}

export class Spawner {
  private helper: ChildProcess | undefined;
  private failed = false;
  private nextId = 1;
  private readonly live = new Map<number, RemoteProcess>();

  constructor(private readonly helperPath = new URL("./spawner-child.mjs", import.meta.url)) {}

  launch(file: string, args: string[], options: LaunchOptions): LaunchedProcess {
    const helper = this.ensureHelper();
    if (helper === undefined) return spawn(file, args, { ...options, stdio: options.stdio as StdioOptions });
    const id = this.nextId++;
    const remote = new RemoteProcess(options.stdio);
    this.live.set(id, remote);
    this.holdOpen(true);
    helper.send({ type: "spawn", id, file, args, stdio: options.stdio, env: options.env, cwd: options.cwd });
    return remote;
  }

  private ensureHelper(): ChildProcess | undefined {
    if (this.helper !== undefined && this.helper.connected) return this.helper;
    if (this.failed) return undefined;
    try {
      const helper = fork(this.helperPath, [], {
        execArgv: [],
        serialization: "advanced",
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      helper.on("message", (message: SpawnerMessage) => this.onMessage(message));
      helper.once("exit", () => {
        if (this.helper === helper) this.helper = undefined;
        for (const [id, remote] of this.live) {
          this.live.delete(id);
          remote.finish(null, "SIGKILL");
        }
      });
      helper.once("error", () => {
        this.failed = true;
      });
      this.helper = helper;
      this.holdOpen(false);
      return helper;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  private onMessage(message: SpawnerMessage): void {
    const remote = this.live.get(message.id);
    if (remote === undefined) return;
    switch (message.type) {
      case "spawned":
        remote.pid = message.pid;
        remote.emit("spawn");
        break;
      case "data":
        remote.stdio[message.fd]?.write(Buffer.from(message.data));
        break;
      case "error":
        remote.emit("error", new Error(message.message));
        break;
      case "exit":
        this.live.delete(message.id);
        if (this.live.size === 0) this.holdOpen(false);
        remote.finish(message.code, message.signal);
        break;
    }
  }

  /**
   * Like a child's pipes, a live launch keeps the event loop alive; with none, the helper never
   * keeps c8s from exiting.
   */
  private holdOpen(hold: boolean): void {
    const helper = this.helper;
    if (helper === undefined) return;
    if (hold) {
      helper.ref();
      helper.channel?.ref();
    } else {
      helper.unref();
      helper.channel?.unref();
    }
  }
}

/**
 * One helper per c8s process, shared by every local runtime in it. It lives as long as the
 * process (it is unref'd and exits on IPC disconnect), so runtime.close() leaves running
 * sandboxes alone, as the Runtime contract says, and they end when c8s ends.
 */
export const sharedSpawner = new Spawner();
