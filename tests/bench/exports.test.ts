import { expect, test } from 'vitest'
import { benchExports } from '../../bench/exports.ts'

test('the export benchmark runs and reports rows per second and peak memory at each size', async () => {
  const lines: string[] = []
  const results = await benchExports({ years: [1, 2], log: (line) => lines.push(line) })
  expect(results.map((r) => r.years)).toEqual([1, 2])
  for (const r of results) {
    expect(r.rows).toBeGreaterThan(r.figures) // every figure, plus the Scotland totals
    expect(r.rowsPerSecond).toBeGreaterThan(0)
    expect(r.warmRowsPerSecond).toBeGreaterThan(0)
    expect(r.peakHeapMiB).toBeGreaterThanOrEqual(0)
    expect(r.peakRssMiB).toBeGreaterThan(0)
    expect(r.readRowsPerSecond).toBeGreaterThan(0)
  }
  expect(results[1]!.rows).toBe(2 * results[0]!.rows)
  expect(lines).toHaveLength(4)
  expect(lines[0]).toBe('exports: disclosure control on 1 work thread, as the server runs it')
  expect(lines[1]).toMatch(
    /^exports: 1 year, .* rows\/s \(again at once: [\d,]+ rows\/s\), peak heap \+[\d.]+ MiB, peak RSS \d+ MiB; baseline, its figures read straight from the database: [\d,]+ rows\/s$/,
  )
}, 120_000)
