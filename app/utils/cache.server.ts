// Small in-process caches for work that is costly and the same for everyone who asks, bounded:
// the least recently used go first. The figures cache keeps each entry with the version of the
// data it was computed from and uses it only while that version is current, so a change shows on
// the next request; other caches key their entries by everything the value depends on.

/** At most `maxEntries` values, the least recently used dropped first. */
export class BoundedCache<T> {
  private readonly entries = new Map<string, T>()

  constructor(private readonly maxEntries: number) {}

  get(key: string): T | undefined {
    const hit = this.entries.get(key)
    if (hit === undefined) return undefined
    // Most recently used last, so the oldest is the first to go.
    this.entries.delete(key)
    this.entries.set(key, hit)
    return hit
  }

  set(key: string, value: T) {
    this.entries.delete(key)
    this.entries.set(key, value)
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
  }

  delete(key: string) {
    this.entries.delete(key)
  }

  clear() {
    this.entries.clear()
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
export function processCache<T>(name: string, maxEntries: number): BoundedCache<T> {
  if (!caches().has(name)) caches().set(name, new BoundedCache<unknown>(maxEntries))
  return caches().get(name) as BoundedCache<T>
}

const figures = () => processCache<{ version: string; value: Promise<unknown> }>('figures', 500)

/**
 * The value for `key` at `version`: computed once (concurrent callers share the computation),
 * then reused until the version moves on. A failed computation is not kept.
 */
export function cachedAtVersion<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const cache = figures()
  const hit = cache.get(key)
  if (hit?.version === version) return hit.value as Promise<T>
  const value = compute()
  cache.set(key, { version, value })
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key)
  })
  return value
}

/** Empties every cache (tests). */
export function clearCache() {
  for (const cache of caches().values()) cache.clear()
}
