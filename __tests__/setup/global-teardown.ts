/** Jest global teardown: stops the redis-server the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__callbusRedis?.stop();
  globalThis.__callbusRedis = undefined;
}
