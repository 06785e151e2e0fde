// Number formatting for figures shown to people: British English, thousands separated.

const COUNT = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 })
const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
const RATE = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })

/** 70,123 ; null (not reported) as an en dash. */
export function formatCount(value: number | null | undefined) {
  return value === null || value === undefined ? '–' : COUNT.format(value)
}

/** 0.9123 -> '91.2%' ; null (no denominator) as an en dash. */
export function formatPercent(ratio: number | null | undefined) {
  return ratio === null || ratio === undefined ? '–' : PERCENT.format(ratio)
}

/** 123.456 -> '123.5' */
export function formatRate(value: number | null | undefined) {
  return value === null || value === undefined ? '–' : RATE.format(value)
}

/**
 * Pounds as people read them: whole pounds from £1,000 ('£294,000') and for whole amounts ('£0'),
 * pounds and pence below ('£163.33'), so a unit cost keeps its pence and a budget does not carry them.
 */
export function formatMoney(value: number | null | undefined) {
  if (value === null || value === undefined) return '–'
  const whole = Math.abs(value) >= 1_000 || Number.isInteger(value)
  return `${value < 0 ? '−' : ''}£${Math.abs(value).toLocaleString('en-GB', {
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  })}`
}

/** A signed change in percentage points: 0.012 -> '+1.2 percentage points'. */
export function formatPointChange(change: number) {
  const points = Math.round(change * 1000) / 10
  const sign = points > 0 ? '+' : points < 0 ? '−' : ''
  return `${sign}${RATE.format(Math.abs(points))} percentage points`
}

/** 'financial quarter' -> 'Financial quarter' */
export function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** ['Fife', 'Tayside', 'Orkney'] -> 'Fife, Tayside and Orkney' */
export function formatList(items: string[]) {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** '1st', '2nd', '3rd', '11th', '15th', '22nd': a day of the month in words. */
export function formatOrdinal(day: number) {
  const teen = day % 100 >= 11 && day % 100 <= 13
  const suffix = teen ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[day % 10] ?? 'th')
  return `${day}${suffix}`
}
