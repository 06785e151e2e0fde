// Small in-process caches for work that is costly and the same for everyone who asks, bounded:
// the least recently used go first. The figures cache keeps each entry with the version of the
// data it was computed from and uses it only while that version is current, so a change shows on
// the next request; other caches key their entries by everything the value depends on.

/**
 * How a cache is bounded: by a number of entries, or by the bytes its keys and values take
 * (`sizeOf` says how many a value takes), for values whose size varies so much that a count
 * bounds nothing.
 */
export type CacheBound = number | { maxBytes: number; sizeOf: (value: never) => number }

/** Bytes a cache entry costs besides its value: the map's slot and the key's characters. */
const ENTRY_OVERHEAD_BYTES = 64

/** At most `maxEntries` values (or `maxBytes` of them), the least recently used dropped first. */
export class BoundedCache<T> {
  private readonly entries = new Map<string, T>()
  private readonly sizes = new Map<string, number>()
  private readonly maxEntries: number
  private readonly maxBytes: number
  private readonly sizeOf: ((value: T) => number) | null
  private bytes = 0

  constructor(bound: CacheBound) {
    this.maxEntries = typeof bound === 'number' ? bound : Infinity
    this.maxBytes = typeof bound === 'number' ? Infinity : bound.maxBytes
    this.sizeOf = typeof bound === 'number' ? null : (bound.sizeOf as (value: T) => number)
  }

  get(key: string): T | undefined {
    const hit = this.entries.get(key)
    if (hit === undefined) return undefined
    // Most recently used last, so the oldest is the first to go.
    this.entries.delete(key)
    this.entries.set(key, hit)
    return hit
  }

  set(key: string, value: T) {
    this.delete(key)
    this.entries.set(key, value)
    if (this.sizeOf) {
      const size = this.sizeOf(value) + key.length * 2 + ENTRY_OVERHEAD_BYTES
      this.sizes.set(key, size)
      this.bytes += size
    }
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      this.delete(this.entries.keys().next().value!)
    }
  }

  delete(key: string) {
    this.entries.delete(key)
    const size = this.sizes.get(key)
    if (size !== undefined) {
      this.bytes -= size
      this.sizes.delete(key)
    }
  }

  clear() {
    this.entries.clear()
    this.sizes.clear()
    this.bytes = 0
  }

  /** The bytes the entries take, as `sizeOf` counts them (0 for a cache bounded by count). */
  get byteSize() {
    return this.bytes
  }

  get size() {
    return this.entries.size
  }
}

const CACHES_KEY = Symbol.for('digital-therapies.caches')

function caches() {
  const registry = globalThis as { [CACHES_KEY]?: Map<string, BoundedCache<unknown>> }
  registry[CACHES_KEY] ??= new Map()
  return registry[CACHES_KEY]
}

/**
 * One cache per name for the whole process: the Remix build bundles its own copy of this module
 * beside the server's, and both must share it.
 */
export function processCache<T>(
  name: string,
  bound: number | { maxBytes: number; sizeOf: (value: T) => number },
): BoundedCache<T> {
  if (!caches().has(name)) caches().set(name, new BoundedCache<unknown>(bound as CacheBound))
  return caches().get(name) as BoundedCache<T>
}

interface Kept {
  version: string
  value: Promise<unknown>
  /** Set once the value has been worked out. */
  settled?: { value: unknown }
}

const figures = () => processCache<Kept>('figures', 500)

/**
 * The value for `key` at `version`: computed once (concurrent callers share the computation),
 * then reused until the version moves on. A failed computation is not kept.
 */
export function cachedAtVersion<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const cache = figures()
  const hit = cache.get(key)
  if (hit?.version === version) return hit.value as Promise<T>
  const value = compute()
  const kept: Kept = { version, value }
  cache.set(key, kept)
  value.then(
    (result) => (kept.settled = { value: result }),
    () => {
      if (cache.get(key)?.value === value) cache.delete(key)
    },
  )
  return value
}

/**
 * The value kept for `key` at `version` if it has been worked out already, without waiting for
 * one being worked out: a transaction must not wait on work that may itself be waiting for the
 * transaction's connection (PGlite has one; a pool may have none left).
 */
export function settledAtVersion<T>(key: string, version: string): T | undefined {
  const hit = figures().get(key)
  return hit?.version === version ? (hit.settled?.value as T | undefined) : undefined
}

/** Empties every cache (tests). */
export function clearCache() {
  for (const cache of caches().values()) cache.clear()
}
