// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest'
import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, test } from 'vitest'
import {
  contrastRatio,
  formatPeriodTick,
  FUNNEL_FLAG_STYLES,
  markPath,
  niceTicks,
  PAGE_BACKGROUND,
  SPC_POINT_STYLES,
  SPC_TARGET_COLOUR,
} from '#app/components/charts/chart-config.ts'
import { AssuranceIcon, SpcIconKey, VariationIcon } from '#app/components/ui/spc-icons.tsx'

afterEach(cleanup)

describe('variation and assurance icons', () => {
  test('say what they mean to a screen reader, and carry a letter as well as a colour', () => {
    render(
      <>
        <VariationIcon variation="improvement_high" />
        <VariationIcon variation="concern_low" />
        <VariationIcon variation="common_cause" />
        <AssuranceIcon assurance="consistently_fails" />
        <AssuranceIcon assurance="hit_and_miss" />
      </>,
    )
    expect(
      screen.getByRole('img', { name: 'Variation: special cause variation: improvement (higher)' }),
    ).toHaveTextContent('H')
    expect(screen.getByRole('img', { name: 'Variation: special cause variation: concern (lower)' })).toHaveTextContent(
      'L',
    )
    expect(
      screen.getByRole('img', { name: 'Variation: common cause variation: no significant change' }),
    ).toBeInTheDocument()
    expect(screen.getByRole('img', { name: 'Assurance: consistently fails the standard' })).toHaveTextContent('F')
    expect(screen.getByRole('img', { name: /^Assurance: hit and miss/ })).toHaveTextContent('?')
  })

  test('improvement and concern differ in shape, not only colour', () => {
    const { container } = render(
      <>
        <VariationIcon variation="improvement_high" />
        <VariationIcon variation="concern_high" />
      </>,
    )
    const [improvement, concern] = [...container.querySelectorAll('svg path')].map((p) => p.getAttribute('d'))
    expect(improvement).not.toBe(concern)
  })

  test('the key describes each icon’s look and its meaning', () => {
    render(<SpcIconKey />)
    expect(screen.getByText('Key to the variation and assurance icons')).toBeInTheDocument()
    const terms = screen.getAllByRole('term')
    const meanings = screen.getAllByRole('definition').map((d) => d.textContent)
    expect(terms).toHaveLength(10)
    expect(within(terms[0]!).getByRole('img', { name: 'Diamond with the letter H' })).toBeInTheDocument()
    expect(within(terms[6]!).getByRole('img', { name: 'Circle with a level line of dots' })).toBeInTheDocument()
    expect(within(terms[9]!).getByRole('img', { name: 'Rounded square with a question mark' })).toBeInTheDocument()
    expect(meanings[0]).toBe('Special cause variation: improvement (higher)')
    expect(meanings[7]).toBe('Consistently passes the standard')
    cleanup()
    render(<SpcIconKey assurance={false} />)
    expect(screen.getAllByRole('term')).toHaveLength(7)
  })
})

describe('the look of the new charts', () => {
  test('every point, icon and line colour has at least 3:1 contrast with the page', () => {
    for (const { colour } of [...Object.values(SPC_POINT_STYLES), ...Object.values(FUNNEL_FLAG_STYLES)]) {
      expect(contrastRatio(colour, PAGE_BACKGROUND), colour).toBeGreaterThanOrEqual(3)
    }
    expect(contrastRatio(SPC_TARGET_COLOUR, PAGE_BACKGROUND)).toBeGreaterThanOrEqual(3)
  })

  test('special cause types differ in shape as well as colour', () => {
    const shapes = ['special_cause_improvement', 'special_cause_concern', 'special_cause_neutral', 'common_cause'].map(
      (t) => SPC_POINT_STYLES[t as keyof typeof SPC_POINT_STYLES].shape,
    )
    expect(new Set(shapes).size).toBe(4)
  })

  test('nice ticks cover the range in round steps', () => {
    // 0 to 97 in about 5 ticks: rough step 97 / 4 = 24.25 -> 25
    expect(niceTicks(0, 97)).toEqual([0, 25, 50, 75, 100])
    // 0.62 to 0.93: rough step 0.0775 -> 0.1, from 0.6 to 1
    expect(niceTicks(0.62, 0.93)).toEqual([0.6, 0.7, 0.8, 0.9, 1])
    // one value: padded by 10% either side (45 to 55), step 2.5
    expect(niceTicks(50, 50)).toEqual([45, 47.5, 50, 52.5, 55])
  })

  test('marks and month labels', () => {
    expect(markPath('square', 10, 10, 10)).toBe('M5.75,5.75h8.5v8.5h-8.5Z')
    expect(formatPeriodTick('2024-09')).toBe('Sep 2024')
    expect(formatPeriodTick('2024/25')).toBe('2024/25')
  })
})
