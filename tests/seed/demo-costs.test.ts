import { describe, expect, test } from 'vitest'
import { financialYear, monthRange, PROGRAMME_START_MONTH } from '#app/utils/dates.ts'
import { generateDemoCosts, generateDemoValues } from '#seed/demo.ts'
import { readReferenceData } from '#seed/reference.ts'

describe('demo costs and workforce', () => {
  const reference = readReferenceData()
  const through = '2026-10'
  const values = generateDemoValues(reference, through)
  const costs = generateDemoCosts(reference, values, through)
  const years = [...new Set(monthRange(PROGRAMME_START_MONTH, through).map(financialYear))]

  test('national costs for every financial year; board costs for every year that is over', () => {
    expect(years).toEqual(['2021/22', '2022/23', '2023/24', '2024/25', '2025/26', '2026/27'])
    for (const year of years) {
      expect(
        costs.some((c) => c.financialYear === year && c.code === 'S92000003'),
        year,
      ).toBe(true)
      expect(
        new Set(costs.filter((c) => c.financialYear === year && c.code !== 'S92000003').map((c) => c.code)).size,
        year,
      ).toBe(year === '2026/27' ? 0 : 14)
    }
    expect(costs.every((c) => Number.isInteger(c.amount) && c.amount > 0)).toBe(true)
  })

  test('every board reports supporter hours, staff in post and staff trained each month', () => {
    const team = values.filter((v) => v.service === 'digital-therapies-team' && v.month === '2025-06')
    expect(new Set(team.map((v) => v.code)).size).toBe(14)
    const lothian = (m: string) => team.find((v) => v.code === 'S08000024' && v.measure === m)!.value
    expect(lothian('staff_in_post')).toBeGreaterThan(10)
    expect(lothian('staff_trained')).toBeLessThanOrEqual(lothian('staff_in_post'))
    expect(lothian('supporter_hours')).toBeGreaterThan(500)
  })
})
