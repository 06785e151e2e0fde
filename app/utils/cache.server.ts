// Small in-process caches for work that is costly and the same for everyone who asks: each entry
// is kept with the version of the data it was computed from, and used only while that version is
// current, so a change shows on the next request. Bounded: the least recently used go first.

/** Entries kept with their version, at most `maxEntries`, the least recently used dropped first. */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: string; value: T }>()

  constructor(private readonly maxEntries: number) {}

  /** The value for `key` at `version`, or undefined when there is none or it is older. */
  get(key: string, version: string): T | undefined {
    const hit = this.entries.get(key)
    if (!hit || hit.version !== version) return undefined
    // Most recently used last, so the oldest is the first to go.
    this.entries.delete(key)
    this.entries.set(key, hit)
    return hit.value
  }

  set(key: string, version: string, value: T) {
    this.entries.delete(key)
    this.entries.set(key, { version, value })
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
  }

  /** Drops `key` if it still holds `value`. */
  forget(key: string, value: T) {
    if (this.entries.get(key)?.value === value) this.entries.delete(key)
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
  const registry = globalThis as { [CACHES_KEY]?: Map<string, VersionedCache<unknown>> }
  registry[CACHES_KEY] ??= new Map()
  return registry[CACHES_KEY]
}

/**
 * One cache per name for the whole process: the Remix build bundles its own copy of this module
 * beside the server's, and both must share it.
 */
export function processCache<T>(name: string, maxEntries: number): VersionedCache<T> {
  if (!caches().has(name)) caches().set(name, new VersionedCache<unknown>(maxEntries))
  return caches().get(name) as VersionedCache<T>
}

const figures = () => processCache<Promise<unknown>>('figures', 500)

/**
 * The value for `key` at `version`: computed once (concurrent callers share the computation),
 * then reused until the version moves on. A failed computation is not kept.
 */
export function cachedAtVersion<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const cache = figures()
  const hit = cache.get(key, version)
  if (hit) return hit as Promise<T>
  const value = compute()
  cache.set(key, version, value)
  value.catch(() => cache.forget(key, value))
  return value
}

/** Empties every cache (tests). */
export function clearCache() {
  for (const cache of caches().values()) cache.clear()
}
