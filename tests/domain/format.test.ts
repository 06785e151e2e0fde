import { expect, test } from 'vitest'
import { formatList, formatOrdinal } from '#app/domain/format.ts'

test('days of the month in words, the teens included', () => {
  const days = [1, 2, 3, 4, 11, 12, 13, 15, 21, 22, 23, 28]
  expect(days.map(formatOrdinal)).toEqual([
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '15th',
    '21st',
    '22nd',
    '23rd',
    '28th',
  ])
})

test('lists in words, with "and" before the last', () => {
  expect([[], ['Fife'], ['Fife', 'Tayside'], ['Fife', 'Tayside', 'Orkney']].map(formatList)).toEqual([
    '',
    'Fife',
    'Fife and Tayside',
    'Fife, Tayside and Orkney',
  ])
})
