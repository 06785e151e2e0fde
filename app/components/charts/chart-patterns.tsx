import { CHART_PATTERNS, patternId } from './chart-config.ts'

/**
 * The fill patterns of one chart's bars, as SVG definitions: solid, diagonal stripes, dots,
 * cross-hatching and vertical stripes, each in the series' colour on white, so bars can be told
 * apart without colour.
 */
export function ChartPatterns({ chartId, colours }: { chartId: string; colours: string[] }) {
  return (
    <defs>
      {colours.flatMap((colour) =>
        CHART_PATTERNS.map((pattern) => (
          <pattern
            key={`${pattern}-${colour}`}
            id={patternId(chartId, pattern, colour)}
            patternUnits="userSpaceOnUse"
            width={8}
            height={8}
          >
            {pattern === 'solid' ? (
              <rect width={8} height={8} fill={colour} />
            ) : (
              <rect width={8} height={8} fill="#ffffff" />
            )}
            {pattern === 'hatch' ? (
              <path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke={colour} strokeWidth={2.5} />
            ) : null}
            {pattern === 'dots' ? <circle cx={4} cy={4} r={2.2} fill={colour} /> : null}
            {pattern === 'cross' ? <path d="M0,0 l8,8 M8,0 l-8,8" stroke={colour} strokeWidth={1.6} /> : null}
            {pattern === 'vertical' ? <path d="M2,0 v8 M6,0 v8" stroke={colour} strokeWidth={2} /> : null}
          </pattern>
        )),
      )}
    </defs>
  )
}

/** A legend swatch: the series' line style or fill pattern, as drawn in the chart. */
export function LegendSwatch({
  chartId,
  type,
  colour,
  dash,
  pattern,
}: {
  chartId: string
  type: 'bar' | 'line' | 'reference'
  colour: string
  dash?: string
  pattern: string
}) {
  return (
    <svg width={28} height={14} aria-hidden="true" focusable="false" className="app-legend__swatch">
      {type === 'bar' ? (
        <>
          <ChartPatterns chartId={`${chartId}-legend`} colours={[colour]} />
          <rect
            x={1}
            y={1}
            width={26}
            height={12}
            fill={`url(#${patternId(`${chartId}-legend`, pattern, colour)})`}
            stroke={colour}
          />
        </>
      ) : (
        <line
          x1={1}
          x2={27}
          y1={7}
          y2={7}
          stroke={colour}
          strokeWidth={type === 'reference' ? 2 : 3}
          strokeDasharray={dash}
        />
      )}
    </svg>
  )
}
