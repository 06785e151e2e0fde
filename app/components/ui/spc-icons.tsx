import type { ReactNode } from 'react'
// "Making Data Count" icons for a KPI tile: the latest month's variation and, where there is a
// standard, the assurance that the process meets it. Each has a shape and a letter as well as a
// colour (improvement a diamond, concern a square, neither a triangle, with H or L for higher or
// lower; common cause a circle with a level line; assurance a rounded square with P, F or ?), and
// words for screen readers. The key explains them all once on a page.
import {
  markPath,
  SPC_COMMON_COLOUR,
  SPC_CONCERN_COLOUR,
  SPC_IMPROVEMENT_COLOUR,
  SPC_NEUTRAL_COLOUR,
} from '#app/components/charts/chart-config.ts'
import {
  SPC_ASSURANCE_LABELS,
  SPC_VARIATION_LABELS,
  type SpcAssurance,
  type SpcVariation,
} from '#app/statistics/spc.ts'

const VARIATIONS: readonly SpcVariation[] = [
  'improvement_high',
  'improvement_low',
  'concern_high',
  'concern_low',
  'neutral_high',
  'neutral_low',
  'common_cause',
]
const ASSURANCES: readonly SpcAssurance[] = ['consistently_passes', 'consistently_fails', 'hit_and_miss']

function variationLook(variation: SpcVariation) {
  const [type, side] = variation.split('_') as [string, string | undefined]
  if (variation === 'common_cause') return { colour: SPC_COMMON_COLOUR, shape: 'circle' as const, letter: null }
  const letter = side === 'high' ? 'H' : 'L'
  if (type === 'improvement') return { colour: SPC_IMPROVEMENT_COLOUR, shape: 'diamond' as const, letter }
  if (type === 'concern') return { colour: SPC_CONCERN_COLOUR, shape: 'square' as const, letter }
  return { colour: SPC_NEUTRAL_COLOUR, shape: 'triangle-up' as const, letter }
}

const ASSURANCE_LOOK: Record<SpcAssurance, { colour: string; letter: string }> = {
  consistently_passes: { colour: SPC_IMPROVEMENT_COLOUR, letter: 'P' },
  consistently_fails: { colour: SPC_CONCERN_COLOUR, letter: 'F' },
  hit_and_miss: { colour: SPC_COMMON_COLOUR, letter: '?' },
}

/** An icon's square, named for screen readers by its label. */
function IconFrame({
  size,
  label,
  data,
  children,
}: {
  size: number
  label: string
  data: Record<`data-${string}`, string>
  children: ReactNode
}) {
  return (
    <svg
      className="app-spc-icon"
      width={size}
      height={size}
      viewBox="0 0 40 40"
      role="img"
      aria-label={label}
      {...data}
    >
      <title>{label}</title>
      {children}
    </svg>
  )
}

/** The variation of the latest month, as an icon with its words for screen readers. */
export function VariationIcon({
  variation,
  size = 36,
  label = `Variation: ${SPC_VARIATION_LABELS[variation]}`,
}: {
  variation: SpcVariation
  size?: number
  /** Words for screen readers; the key gives the icon's look instead. */
  label?: string
}) {
  const look = variationLook(variation)
  // A triangle's letter sits lower, where the shape is wide enough for it.
  const letterY = look.shape === 'triangle-up' ? 24 : 20
  return (
    <IconFrame size={size} label={label} data={{ 'data-variation': variation }}>
      <path
        d={markPath(look.shape, 20, look.shape === 'triangle-up' ? 21 : 20, 32)}
        fill="#ffffff"
        stroke={look.colour}
        strokeWidth={3}
      />
      {look.letter ? (
        <text x={20} y={letterY} dy="0.35em" textAnchor="middle" fontSize={16} fontWeight={700} fill={look.colour}>
          {look.letter}
        </text>
      ) : (
        // Common cause: a level line of dots, nothing rising or falling.
        <g fill={look.colour}>
          <circle cx={12} cy={20} r={2.5} />
          <circle cx={20} cy={20} r={2.5} />
          <circle cx={28} cy={20} r={2.5} />
        </g>
      )}
    </IconFrame>
  )
}

/** Whether the process meets its standard, as an icon with its words for screen readers. */
export function AssuranceIcon({
  assurance,
  size = 36,
  label = `Assurance: ${SPC_ASSURANCE_LABELS[assurance]}`,
}: {
  assurance: SpcAssurance
  size?: number
  label?: string
}) {
  const look = ASSURANCE_LOOK[assurance]
  return (
    <IconFrame size={size} label={label} data={{ 'data-assurance': assurance }}>
      <rect x={4} y={4} width={32} height={32} rx={9} fill="#ffffff" stroke={look.colour} strokeWidth={3} />
      <text x={20} y={20} dy="0.35em" textAnchor="middle" fontSize={17} fontWeight={700} fill={look.colour}>
        {look.letter}
      </text>
    </IconFrame>
  )
}

/**
 * What every icon means, once on a page that shows them (a definition list: the icon, then its
 * words). `assurance` false leaves the assurance icons out.
 */
export function SpcIconKey({ assurance = true }: { assurance?: boolean }) {
  return (
    <div className="app-spc-key">
      <p className="app-spc-key__title" id="spc-key-title">
        Key to the variation and assurance icons
      </p>
      <dl className="app-spc-key__list" aria-labelledby="spc-key-title">
        {VARIATIONS.map((v) => (
          <div key={v} className="app-spc-key__item">
            <dt>
              <VariationIcon variation={v} size={28} label={describeVariationLook(v)} />
            </dt>
            <dd>{capitalise(SPC_VARIATION_LABELS[v])}</dd>
          </div>
        ))}
        {assurance
          ? ASSURANCES.map((a) => (
              <div key={a} className="app-spc-key__item">
                <dt>
                  <AssuranceIcon
                    assurance={a}
                    size={28}
                    label={`Rounded square with ${ASSURANCE_LOOK[a].letter === '?' ? 'a question mark' : `the letter ${ASSURANCE_LOOK[a].letter}`}`}
                  />
                </dt>
                <dd>{capitalise(SPC_ASSURANCE_LABELS[a])}</dd>
              </div>
            ))
          : null}
      </dl>
    </div>
  )
}

/** How a variation icon looks, for the key: 'Diamond with the letter H'. */
export function describeVariationLook(variation: SpcVariation) {
  const look = variationLook(variation)
  const shape = { circle: 'Circle', diamond: 'Diamond', square: 'Square', 'triangle-up': 'Triangle' }[look.shape]
  return look.letter ? `${shape} with the letter ${look.letter}` : `${shape} with a level line of dots`
}

function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
