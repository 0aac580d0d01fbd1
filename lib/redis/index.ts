/**
 * callbus/redis: the run log on Redis Streams, so every instance of a service can stream a run
 * any instance runs. Needs the `redis` package (node-redis), an optional peer dependency.
 */
export { RedisRunLog, type RedisRunLogOptions } from "./redis-run-log.js";
export type { RedisRunLogClient } from "./client.js";
