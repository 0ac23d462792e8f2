import type { Config } from '../config.js';
import type { Bus } from './bus.js';
import { MemoryBus } from './memory-bus.js';
import { RedisBus } from './redis-bus.js';

/** The configured bus: Redis when REDIS_URL is set, else the in-process bus. */
export async function openBus(config: Config): Promise<Bus> {
  if (config.redisUrl) return RedisBus.connect(config.redisUrl, { prefix: config.channelPrefix });
  return new MemoryBus();
}
