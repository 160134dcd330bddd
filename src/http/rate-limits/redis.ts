import { Redis } from 'ioredis';

/**
 * A Redis client for the limiter (REDIS_URL). It fails fast instead of queueing while Redis is
 * away or slow (the limiter then lets requests through) and reconnects in the background.
 */
export function connectRateLimitRedis(url: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(url, {
    connectionName: 'clientele-rate-limits',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    commandTimeout: 500,
  });
  redis.on('error', onError);
  return redis;
}
