/** The redis-server the bench uses: REDIS_URL's, or a throwaway one started like the tests' (no persistence). */
import { startRedisServer, type RedisServer } from "../__tests__/setup/redis-server.js";

export async function benchRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.REDIS_URL;
  if (given !== undefined && given !== "") return { url: given, stop: async () => undefined };
  const server: RedisServer = await startRedisServer();
  return { url: server.url, stop: () => server.stop() };
}
