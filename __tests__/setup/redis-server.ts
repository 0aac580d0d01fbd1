/**
 * A throwaway redis-server for tests and the bench: on 127.0.0.1, a free port, a temp dir, no
 * persistence. When redis-server is missing it is installed with apt-get where that can work
 * (root on Debian/Ubuntu); elsewhere the error names the command to run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** The server's process (for SIGSTOP / SIGCONT in fault tests). */
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM, SIGKILL if it is stopped or slow) and waits for its exit. */
  stop(): Promise<void>;
  /** Stops it and starts a new one on the same port: every key is gone (no persistence). */
  restart(): Promise<RedisServer>;
}

const INSTALL = "apt-get install redis-server";

/** The path of redis-server on PATH, if any. */
function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "redis-server");
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** redis-server's path, installing Debian's package first when it is missing and that can work. */
export function ensureRedisServer(): string {
  const found = findRedisServer();
  if (found !== undefined) return found;
  const canInstall = process.platform === "linux" && process.getuid?.() === 0 && findOnPath("apt-get");
  if (!canInstall) {
    throw new Error(`callbus tests need redis-server (Redis 7): install it (Debian/Ubuntu: sudo ${INSTALL}; macOS: brew install redis) or set CALLBUS_TEST_REDIS_URL to a running server`);
  }
  console.log(`callbus tests: redis-server is missing; installing Debian's redis-server with apt-get (apt-get update && ${INSTALL} -y)`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends", "redis-server"]]) {
    const result = spawnSync("apt-get", args, { env, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`callbus tests: apt-get ${args.join(" ")} failed (${result.status}): ${(result.stderr || result.stdout).trim().split("\n").at(-1)}`);
  }
  const installed = findRedisServer();
  if (installed === undefined) throw new Error(`callbus tests: apt-get installed redis-server but it is not on PATH; run ${INSTALL} by hand`);
  return installed;
}

function findOnPath(name: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir !== "" && existsSync(path.join(dir, name)));
}

/** A port nobody listens on right now, from the OS. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING; rejects if it exits first or takes over 10 s. */
async function answers(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`callbus tests: redis-server exited with ${child.exitCode} before it answered on port ${port}`);
    const pong = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.setTimeout(500, () => socket.destroy());
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.once("data", (data) => {
        socket.destroy();
        resolve(data.toString().startsWith("+PONG"));
      });
      socket.once("error", () => resolve(false));
      socket.once("close", () => resolve(false));
    });
    if (pong) return;
    if (Date.now() > deadline) throw new Error(`callbus tests: redis-server did not answer on port ${port} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a redis-server on 127.0.0.1 (a free port unless one is given), with no persistence. */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const binary = ensureRedisServer();
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), "callbus-redis-"));
  const child = spawn(
    binary,
    ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning", "--protected-mode", "no"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  try {
    await answers(chosen, child);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      const slow = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(slow);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    process: child,
    stop,
    async restart() {
      await stop();
      return startRedisServer(chosen);
    },
  };
}
