import { Redis, type RedisOptions } from "ioredis"

/** A Redis client to duplicate, or the options to connect with. */
export type ConnectionOption = Redis | RedisOptions

/**
 * A client of our own for each BullMQ object, so closing ours never closes the caller's. BullMQ
 * requires `maxRetriesPerRequest: null` on blocking connections; commands then wait for Redis to
 * come back instead of failing.
 */
export function ownClient(connection: ConnectionOption, name: string): Redis {
  if (connection instanceof Redis) return connection.duplicate({ maxRetriesPerRequest: null, connectionName: name })
  if (typeof connection !== "object" || connection === null) {
    throw new TypeError(
      `connection must be an ioredis client or its options ({ host, port }), got ${connection === null ? "null" : typeof connection}`,
    )
  }
  return new Redis({ ...connection, maxRetriesPerRequest: null, connectionName: name })
}

/**
 * The connection as options another thread can use: a client's own options, without those a
 * thread cannot receive (functions such as `retryStrategy`; that thread uses ioredis' defaults).
 */
export function threadConnection(connection: ConnectionOption): RedisOptions {
  const source = (connection instanceof Redis ? connection.options : connection) as Record<string, unknown>
  const copy: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(source)) {
    if (typeof value === "function") continue
    try {
      structuredClone(value)
      copy[name] = value
    } catch {
      // holds something that cannot cross to a thread: left out
    }
  }
  return copy as RedisOptions
}

/** The id of the newest entry of a stream ("0-0" when empty): read events from here so none written after it are missed. */
export async function lastStreamId(client: Redis, key: string): Promise<string> {
  const newest = (await client.xrevrange(key, "+", "-", "COUNT", 1)) as [string, string[]][]
  return newest[0]?.[0] ?? "0-0"
}

/** QUIT, or a plain disconnect when Redis does not answer within a second (it may be gone for good). */
export async function closeQuietly(client: Redis): Promise<void> {
  await bounded(client.quit(), 1000)
  client.disconnect()
}

/** Waits for `work`, but no longer than `ms` (closing must not hang on a Redis that is gone); true if it settled in time. */
export async function bounded(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const settled = await Promise.race([work.then(settledNow, settledNow), late])
  clearTimeout(timer)
  return settled
}

const settledNow = (): true => true
