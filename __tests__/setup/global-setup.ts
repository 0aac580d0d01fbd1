/**
 * Jest global setup: a throwaway redis-server for the tests of callbus/redis, unless
 * CALLBUS_TEST_REDIS_URL names one already running. Test workers find it in that variable.
 */
import { startRedisServer, type RedisServer } from "./redis-server";

declare global {
  // eslint-disable-next-line no-var
  var __callbusRedis: RedisServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.CALLBUS_TEST_REDIS_URL !== undefined && process.env.CALLBUS_TEST_REDIS_URL !== "") return;
  const server = await startRedisServer();
  globalThis.__callbusRedis = server;
  process.env.CALLBUS_TEST_REDIS_URL = server.url;
}
