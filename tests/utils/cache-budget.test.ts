// A cache bounded by bytes (the suppression patterns): however many entries, the bytes kept stay
// within the budget, the least recently used going first; a count no longer bounds it.
import { describe, expect, test } from 'vitest'
import { BoundedCache } from '#app/utils/cache.server.ts'
import { PATTERN_CACHE_BYTES, patternCache } from '#app/models/exports.server.ts'

const bytesOf = (value: Uint32Array) => value.byteLength

describe('a cache bounded by bytes', () => {
  test('keeps within its budget, dropping the least recently used first', () => {
    // Each entry: 4,000 bytes of value, 2 bytes a key character and 64 for the slot.
    const cache = new BoundedCache<Uint32Array>({ maxBytes: 10_000, sizeOf: bytesOf })
    cache.set('a', new Uint32Array(1_000))
    cache.set('b', new Uint32Array(1_000))
    expect(cache.byteSize).toBe(2 * (4_000 + 2 + 64))
    cache.get('a')
    cache.set('c', new Uint32Array(1_000))
    // a, b and c take 12,198 bytes: b, the least recently used, goes.
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBeDefined()
    expect(cache.get('c')).toBeDefined()
    expect(cache.byteSize).toBe(2 * (4_000 + 2 + 64))
  })

  test('counts a replaced entry once, and forgets a deleted one', () => {
    const cache = new BoundedCache<Uint32Array>({ maxBytes: 100_000, sizeOf: bytesOf })
    cache.set('a', new Uint32Array(1_000))
    cache.set('a', new Uint32Array(10))
    expect(cache.byteSize).toBe(40 + 2 + 64)
    cache.delete('a')
    expect(cache.byteSize).toBe(0)
    expect(cache.size).toBe(0)
  })

  test('holds many small entries where a count of 5,000 would not, and few large ones', () => {
    const cache = new BoundedCache<Uint32Array>({ maxBytes: 1_000_000, sizeOf: bytesOf })
    for (let i = 0; i < 8_000; i++) cache.set(`small ${i}`, new Uint32Array(2))
    expect(cache.size).toBe(8_000)
    for (let i = 0; i < 100; i++) cache.set(`large ${i}`, new Uint32Array(25_000))
    expect(cache.byteSize).toBeLessThanOrEqual(1_000_000)
    expect(cache.size).toBe(9)
  })

  test('the suppression patterns are kept within their byte budget', () => {
    const cache = patternCache()
    cache.clear()
    for (let i = 0; i < 200; i++) cache.set(`pattern ${i}`, new Uint32Array(100_000))
    expect(cache.byteSize).toBeLessThanOrEqual(PATTERN_CACHE_BYTES)
    expect(cache.size).toBe(Math.floor(PATTERN_CACHE_BYTES / (400_000 + 2 * 'pattern 199'.length + 64)))
    cache.clear()
  })
})
