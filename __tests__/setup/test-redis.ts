/** The redis-server the tests use: the global setup's, or the one CALLBUS_TEST_REDIS_URL names. */
export function testRedisUrl(): string {
  const url = process.env.CALLBUS_TEST_REDIS_URL;
  if (url === undefined || url === "") {
    throw new Error("callbus tests: CALLBUS_TEST_REDIS_URL is not set; run the tests through jest (its global setup starts a redis-server) or point it at one");
  }
  return url;
}
