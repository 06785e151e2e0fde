import { describe, expect, test } from 'vitest'
import {
  addMonths,
  currentMonth,
  financialQuarter,
  financialYear,
  formatMonthShort,
  latestDueMonth,
  londonTime,
  monthRange,
  quarterEnding,
  returnDeadline,
  formatDate,
  formatDateTime,
} from '#app/utils/dates.ts'

describe('financial years and quarters', () => {
  test.each([
    ['2025-03', '2024/25', 'Q4 2024/25', 'quarter ending March 2025'],
    ['2025-04', '2025/26', 'Q1 2025/26', 'quarter ending June 2025'],
    ['2025-06', '2025/26', 'Q1 2025/26', 'quarter ending June 2025'],
    ['2025-07', '2025/26', 'Q2 2025/26', 'quarter ending September 2025'],
    ['2025-12', '2025/26', 'Q3 2025/26', 'quarter ending December 2025'],
    ['2026-01', '2025/26', 'Q4 2025/26', 'quarter ending March 2026'],
    ['1999-12', '1999/00', 'Q3 1999/00', 'quarter ending December 1999'],
  ])('%s is in %s, %s, %s', (month, year, quarter, ending) => {
    expect(financialYear(month)).toBe(year)
    expect(financialQuarter(month)).toBe(quarter)
    expect(quarterEnding(month)).toBe(ending)
  })
})

describe('month arithmetic', () => {
  test('crosses year ends both ways', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01')
    expect(addMonths('2026-01', -1)).toBe('2025-12')
    expect(addMonths('2021-04', 66)).toBe('2026-10')
  })
  test('a range includes both ends and is empty when reversed', () => {
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(monthRange('2026-02', '2025-11')).toEqual([])
  })
  test('short month names are three letters, September included', () => {
    expect(formatMonthShort('2025-09')).toBe('Sep 2025')
  })
})

describe('return deadlines in Scottish time', () => {
  test('a summer deadline ends at midnight BST, which is 23:00 UTC', () => {
    // June's return is due by the end of 15 July, British Summer Time (UTC+1).
    expect(returnDeadline('2026-06', 15).toISOString()).toBe('2026-07-15T22:59:59.999Z')
  })
  test('a winter deadline ends at midnight GMT', () => {
    expect(returnDeadline('2026-10', 15).toISOString()).toBe('2026-11-15T23:59:59.999Z')
  })
  test('the deadline across the clocks going forward (29 March 2026)', () => {
    // February's return is due 15 March (GMT); March's is due 15 April (BST).
    expect(returnDeadline('2026-02', 15).toISOString()).toBe('2026-03-15T23:59:59.999Z')
    expect(returnDeadline('2026-03', 15).toISOString()).toBe('2026-04-15T22:59:59.999Z')
  })
  test('the latest due month moves on the moment the deadline passes', () => {
    const justBefore = londonTime('2026-11-15T23:59:00')
    const justAfter = londonTime('2026-11-16T00:00:01')
    expect(latestDueMonth(justBefore, 15)).toBe('2026-09')
    expect(latestDueMonth(justAfter, 15)).toBe('2026-10')
  })
  test('in the hour after midnight in BST the London month has already changed', () => {
    // 00:30 on 1 July BST is still 30 June in UTC.
    const earlyJuly = londonTime('2026-07-01T00:30')
    expect(earlyJuly.toISOString()).toBe('2026-06-30T23:30:00.000Z')
    expect(latestDueMonth(earlyJuly, 15)).toBe('2026-05')
  })
  test('the current month is kept for the hour, and changes on the hour the month begins in Scotland', () => {
    // Asked one after another, as pages ask: the month kept for 22:00 to 23:00 UTC on 30 June
    // (23:00 to midnight BST) must not be given for 23:00 UTC, which is 1 July in Scotland.
    expect(currentMonth(new Date('2026-06-30T22:00:00Z'))).toBe('2026-06')
    expect(currentMonth(new Date('2026-06-30T22:59:59Z'))).toBe('2026-06')
    expect(currentMonth(new Date('2026-06-30T23:00:00Z'))).toBe('2026-07')
    // In winter Scotland keeps UTC: 31 October 23:30 UTC is still October.
    expect(currentMonth(new Date('2026-10-31T23:30:00Z'))).toBe('2026-10')
    expect(currentMonth(new Date('2026-11-01T00:00:00Z'))).toBe('2026-11')
    // Back to an hour asked before.
    expect(currentMonth(new Date('2026-06-30T22:30:00Z'))).toBe('2026-06')
  })
  test('each deadline is a Date of its own, though worked out once', () => {
    const first = returnDeadline('2026-06', 15)
    first.setFullYear(2000)
    expect(returnDeadline('2026-06', 15).toISOString()).toBe('2026-07-15T22:59:59.999Z')
  })
})

describe('dates and times written in Scottish time', () => {
  test('winter (GMT) and summer (BST), single-digit days, midnight', () => {
    expect(formatDate('2026-01-05T23:30:00Z')).toBe('5 January 2026')
    expect(formatDateTime('2026-01-05T23:30:00Z')).toBe('5 January 2026, 23:30')
    // 23:30 UTC in July is 00:30 the next day in Scotland.
    expect(formatDate('2026-07-14T23:30:00Z')).toBe('15 July 2026')
    expect(formatDateTime('2026-07-14T23:30:00Z')).toBe('15 July 2026, 00:30')
    expect(formatDateTime(new Date('2026-11-22T14:05:00Z'))).toBe('22 November 2026, 14:05')
  })
})
