// A small in-process cache for figures that are costly to compute and the same for everyone who
// asks: each entry is kept with the data version it was computed at (see getDataVersion) and is
// used only while that version is current, so a change shows on the next request.

const MAX_ENTRIES = 500

interface Entry {
  version: string
  value: Promise<unknown>
}

const CACHE_KEY = Symbol.for('digital-therapies.figures-cache')
type Registry = { [CACHE_KEY]?: Map<string, Entry> }

function entries() {
  const registry = globalThis as Registry
  registry[CACHE_KEY] ??= new Map()
  return registry[CACHE_KEY]
}

/**
 * The value for `key` at `version`: computed once (concurrent callers share the computation),
 * then reused until the version moves on. A failed computation is not kept.
 */
export function cachedAtVersion<T>(key: string, version: string, compute: () => Promise<T>): Promise<T> {
  const cache = entries()
  const hit = cache.get(key)
  if (hit && hit.version === version) {
    // Most recently used last, so the oldest is the first to go.
    cache.delete(key)
    cache.set(key, hit)
    return hit.value as Promise<T>
  }
  const value = compute()
  cache.set(key, { version, value })
  value.catch(() => {
    if (cache.get(key)?.value === value) cache.delete(key)
  })
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!)
  return value
}

/** Empties the cache (tests). */
export function clearCache() {
  entries().clear()
}
