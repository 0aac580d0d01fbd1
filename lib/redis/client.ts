/**
 * What callbus needs of a node-redis client (the `redis` package, 5 or 6): raw commands,
 * pipelines, a second connection for blocking reads, and its connection events. Typed by shape,
 * so any `createClient()` result fits whatever modules or scripts it was made with.
 */

/** A raw reply: RESP2 strings, numbers, nulls and arrays of them. */
export type RedisReply = string | number | null | RedisReply[];

/** A node-redis pipeline (`client.multi()`), used without MULTI/EXEC. */
export interface RedisPipeline {
  addCommand(args: string[]): RedisPipeline;
  execAsPipeline(): Promise<unknown[]>;
}

/** A connected node-redis client: `await createClient({ url }).connect()`. */
export interface RedisRunLogClient {
  sendCommand(args: string[]): Promise<unknown>;
  multi(): unknown;
  duplicate(overrides?: { disableOfflineQueue?: boolean }): unknown;
  connect(): Promise<unknown>;
  readonly isReady: boolean;
  readonly isOpen: boolean;
  on(event: "error" | "ready" | "end" | "reconnecting", listener: (...args: unknown[]) => void): unknown;
  off(event: "error" | "ready" | "end" | "reconnecting", listener: (...args: unknown[]) => void): unknown;
  close(): Promise<void>;
  destroy(): void;
}

/**
 * The pairs of a map reply, whichever protocol the client speaks: RESP2 sends a flat array
 * (`XINFO`) or an array of pairs (`XREAD`), RESP3 a map (an object or a Map in node-redis).
 */
export function pairsOf(reply: unknown, flat: boolean): [string, unknown][] {
  if (reply === null || reply === undefined) return [];
  if (reply instanceof Map) return [...reply.entries()].map(([key, value]) => [String(key), value]);
  if (Array.isArray(reply)) {
    if (!flat) return reply.map((pair) => [String((pair as unknown[])[0]), (pair as unknown[])[1]]);
    const pairs: [string, unknown][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([String(reply[i]), reply[i + 1]]);
    return pairs;
  }
  if (typeof reply === "object") return Object.entries(reply);
  return [];
}

/** The pipeline of a client, typed to what callbus uses. */
export function pipelineOf(client: RedisRunLogClient): RedisPipeline {
  return client.multi() as RedisPipeline;
}

/** Checks that `client` looks like a node-redis client, naming what is missing. */
export function assertClient(client: unknown): asserts client is RedisRunLogClient {
  const missing = ["sendCommand", "multi", "duplicate", "connect", "on", "off"].filter(
    (name) => typeof (client as Record<string, unknown> | null)?.[name] !== "function",
  );
  if (client === null || typeof client !== "object" || missing.length > 0) {
    throw new TypeError(`callbus: RedisRunLog needs \`client\` to be a node-redis client (createClient() from the "redis" package); it has no ${missing.join(", ")}`);
  }
}
