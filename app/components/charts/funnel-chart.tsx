// A funnel plot: one point per board (x its denominator, y its proportion or rate) around
// Scotland's figure, with the 95% and 99.8% control limits as curves. Plain SVG drawn by React
// on the server and the client. Points are shaped by their flag as well as coloured; only the
// boards outside the limits and the chosen one are labelled, so 140 points stay readable (every
// board is in the table beside it). The key names the lines by their styles: names at the
// curves' ends would crowd onto each other, and onto the boards' labels, where the limits close in.
import type { FunnelCurvePoint, FunnelFlag, FunnelKind, FunnelPoint } from '#app/statistics/funnels.ts'
import {
  AXIS_COLOUR,
  FUNNEL_95_DASH,
  FUNNEL_998_DASH,
  FUNNEL_CENTRE_COLOUR,
  FUNNEL_FLAG_STYLES,
  formatTick,
  formatTooltipValue,
  GRID_COLOUR,
  HIGHLIGHT_COLOUR,
  markPath,
  niceTicks,
  PLOT_SVG_CLASS,
  TEXT_COLOUR,
} from './chart-config.ts'
import { LineSwatch, MarkSwatch } from './spc-chart.tsx'

export interface FunnelChartProps {
  id: string
  /** The indicator: '18-week performance'. */
  title: string
  kind: FunnelKind
  centre: number
  points: readonly FunnelPoint[]
  curve: readonly FunnelCurvePoint[]
  /** The board the reader chose: always labelled and ringed. */
  selectedCode?: string | null
  /** What x counts: 'People who started treatment', 'Population'. */
  xLabel: string
  /** What y is: '% started within 18 weeks', 'Referrals per 100,000 a year'. */
  yLabel: string
  width?: number
  height?: number
}

const MARGIN = { top: 24, right: 64, bottom: 56, left: 72 }
const CHAR_WIDTH = 6.6
const LABEL_HEIGHT = 14

function valueKind(kind: FunnelKind) {
  return kind === 'proportion' ? 'percent' : 'rate'
}

export function funnelScales(
  points: readonly FunnelPoint[],
  curve: readonly FunnelCurvePoint[],
  options: { width: number; height: number; kind: FunnelKind; centre: number },
) {
  const xs = [...points.map((p) => p.denominator ?? 0), ...curve.map((c) => c.denominator)]
  const ys = [
    options.centre,
    ...points.flatMap((p) => (p.value === null ? [] : [p.value])),
    ...curve.flatMap((c) => [c.lower998, c.upper998]),
  ].filter(Number.isFinite)
  const xTicks = niceTicks(0, Math.max(1, ...xs), 6)
  let low = Math.min(...ys)
  let high = Math.max(...ys)
  if (options.kind === 'proportion') {
    low = Math.max(0, low)
    high = Math.min(1, high)
  } else {
    low = Math.max(0, low)
  }
  const yTicks = niceTicks(low, high, 6)
  const plotWidth = options.width - MARGIN.left - MARGIN.right
  const plotHeight = options.height - MARGIN.top - MARGIN.bottom
  const xMax = xTicks[xTicks.length - 1]!
  const [yMin, yMax] = [yTicks[0]!, yTicks[yTicks.length - 1]!]
  return {
    x: (v: number) => MARGIN.left + (v / xMax) * plotWidth,
    y: (v: number) => MARGIN.top + plotHeight - ((v - yMin) / (yMax - yMin || 1)) * plotHeight,
    xTicks,
    yTicks,
    plotWidth,
    plotHeight,
  }
}

interface Box {
  x: number
  y: number
  width: number
  height: number
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height

/**
 * Places labels beside their points (right, left, above, below) where they overlap neither
 * another label nor the plot's edge; a label that fits nowhere is left out (the table has it).
 * The chosen board goes first so it is always labelled.
 */
export function placeLabels(
  items: ReadonlyArray<{ code: string; text: string; x: number; y: number; priority: number }>,
  bounds: Box,
): Array<{ code: string; text: string; x: number; y: number; anchor: 'start' | 'end' | 'middle' }> {
  const placed: Box[] = []
  const result: Array<{ code: string; text: string; x: number; y: number; anchor: 'start' | 'end' | 'middle' }> = []
  for (const item of [...items].sort((a, b) => a.priority - b.priority)) {
    const width = item.text.length * CHAR_WIDTH
    const candidates = [
      {
        box: { x: item.x + 8, y: item.y - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT },
        anchor: 'start' as const,
        tx: item.x + 8,
        ty: item.y,
      },
      {
        box: { x: item.x - 8 - width, y: item.y - LABEL_HEIGHT / 2, width, height: LABEL_HEIGHT },
        anchor: 'end' as const,
        tx: item.x - 8,
        ty: item.y,
      },
      {
        box: { x: item.x - width / 2, y: item.y - 10 - LABEL_HEIGHT, width, height: LABEL_HEIGHT },
        anchor: 'middle' as const,
        tx: item.x,
        ty: item.y - 10 - LABEL_HEIGHT / 2,
      },
      {
        box: { x: item.x - width / 2, y: item.y + 10, width, height: LABEL_HEIGHT },
        anchor: 'middle' as const,
        tx: item.x,
        ty: item.y + 10 + LABEL_HEIGHT / 2,
      },
    ]
    const inside = (b: Box) =>
      b.x >= bounds.x &&
      b.y >= bounds.y &&
      b.x + b.width <= bounds.x + bounds.width &&
      b.y + b.height <= bounds.y + bounds.height
    const fit = candidates.find((c) => inside(c.box) && !placed.some((p) => overlaps(p, c.box)))
    if (!fit) continue
    placed.push(fit.box)
    result.push({ code: item.code, text: item.text, x: fit.tx, y: fit.ty, anchor: fit.anchor })
  }
  return result
}

/** Which boards get a label: those outside the 95% limits, and the chosen one. */
export function labelledCodes(points: readonly FunnelPoint[], selectedCode: string | null | undefined) {
  return new Set(
    points.filter((p) => (p.flag !== null && p.flag !== 'within') || p.code === selectedCode).map((p) => p.code),
  )
}

export function describeFunnelChart(
  props: Pick<FunnelChartProps, 'title' | 'kind' | 'centre' | 'points' | 'selectedCode'>,
) {
  const format = (v: number | null) => formatTooltipValue(v, valueKind(props.kind))
  const count = (flag: FunnelFlag) => props.points.filter((p) => p.flag === flag)
  const parts = [
    `Funnel plot of ${props.title.toLowerCase()} by board: ${props.points.length} boards around Scotland’s ${format(props.centre)}.`,
  ]
  for (const flag of ['above_998', 'above_95', 'below_95', 'below_998'] as const) {
    const boards = count(flag)
    if (boards.length)
      parts.push(
        `${FUNNEL_FLAG_STYLES[flag].label}: ${boards.map((b) => `${b.name} (${format(b.value)})`).join(', ')}.`,
      )
  }
  parts.push(`Within the limits: ${count('within').length} boards.`)
  const hidden = props.points.filter((p) => p.hidden)
  if (hidden.length) parts.push(`Hidden by disclosure control: ${hidden.map((b) => b.name).join(', ')}.`)
  const chosen = props.points.find((p) => p.code === props.selectedCode)
  if (chosen)
    parts.push(
      `${chosen.name}: ${format(chosen.value)}, ${chosen.flag ? FUNNEL_FLAG_STYLES[chosen.flag].label.toLowerCase() : 'no figures'}.`,
    )
  return parts.join(' ')
}

export function FunnelChart({
  id,
  title,
  kind,
  centre,
  points,
  curve,
  selectedCode = null,
  xLabel,
  yLabel,
  width = 760,
  height = 420,
}: FunnelChartProps) {
  const { x, y, xTicks, yTicks, plotWidth, plotHeight } = funnelScales(points, curve, { width, height, kind, centre })
  const titleId = `${id}-title`
  const descId = `${id}-desc`
  const clipId = `${id}-clip`
  const labelled = labelledCodes(points, selectedCode)
  const drawn = points.filter(
    (p): p is FunnelPoint & { value: number; denominator: number } => p.value !== null && p.denominator !== null,
  )
  const labels = placeLabels(
    drawn
      .filter((p) => labelled.has(p.code))
      .map((p) => ({
        code: p.code,
        text: p.name,
        x: x(p.denominator),
        y: y(p.value),
        // The chosen board first, then the furthest outside, then by name.
        priority: p.code === selectedCode ? 0 : p.flag === 'above_998' || p.flag === 'below_998' ? 1 : 2,
      })),
    // Labels may use the margins above and to the right of the plot, not the axes' space.
    { x: MARGIN.left + 2, y: 2, width: width - MARGIN.left - 4, height: MARGIN.top + plotHeight - 2 },
  )
  const line = (key: keyof Omit<FunnelCurvePoint, 'denominator'>) =>
    curve.map((c) => `${x(c.denominator)},${y(c[key])}`).join(' ')
  const flagsUsed = new Set(drawn.map((p) => p.flag).filter((f): f is FunnelFlag => f !== null))
  const selected = drawn.find((p) => p.code === selectedCode)
  const kindOfValue = valueKind(kind)
  return (
    <figure className="app-plot" data-chart={id}>
      <svg
        className={PLOT_SVG_CLASS}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        style={{ maxWidth: width }}
      >
        <title id={titleId}>{`Funnel plot: ${title}`}</title>
        <desc id={descId}>{describeFunnelChart({ title, kind, centre, points, selectedCode })}</desc>
        <defs>
          <clipPath id={clipId}>
            <rect x={MARGIN.left} y={MARGIN.top} width={plotWidth} height={plotHeight} />
          </clipPath>
        </defs>
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(t)} y2={y(t)} stroke={GRID_COLOUR} />
            <text x={MARGIN.left - 8} y={y(t)} dy="0.32em" textAnchor="end" fontSize={12} fill={TEXT_COLOUR}>
              {formatTick(t, kindOfValue)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text
            key={`x${t}`}
            x={x(t)}
            y={MARGIN.top + plotHeight + 18}
            textAnchor="middle"
            fontSize={12}
            fill={TEXT_COLOUR}
          >
            {formatTick(t, 'count')}
          </text>
        ))}
        <line
          x1={MARGIN.left}
          x2={MARGIN.left + plotWidth}
          y1={MARGIN.top + plotHeight}
          y2={MARGIN.top + plotHeight}
          stroke={AXIS_COLOUR}
        />
        <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + plotHeight} stroke={AXIS_COLOUR} />
        <text x={MARGIN.left + plotWidth / 2} y={height - 12} textAnchor="middle" fontSize={13} fill={TEXT_COLOUR}>
          {xLabel}
        </text>
        <text
          transform={`translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)`}
          textAnchor="middle"
          fontSize={13}
          fill={TEXT_COLOUR}
        >
          {yLabel}
        </text>
        <g clipPath={`url(#${clipId})`}>
          <line
            x1={MARGIN.left}
            x2={MARGIN.left + plotWidth}
            y1={y(centre)}
            y2={y(centre)}
            stroke={FUNNEL_CENTRE_COLOUR}
            strokeWidth={1.5}
            data-line="centre"
          />
          {curve.length > 1 ? (
            <>
              <polyline
                points={line('upper95')}
                fill="none"
                stroke={AXIS_COLOUR}
                strokeWidth={1.5}
                strokeDasharray={FUNNEL_95_DASH}
                data-line="upper-95"
              />
              <polyline
                points={line('lower95')}
                fill="none"
                stroke={AXIS_COLOUR}
                strokeWidth={1.5}
                strokeDasharray={FUNNEL_95_DASH}
                data-line="lower-95"
              />
              <polyline
                points={line('upper998')}
                fill="none"
                stroke={TEXT_COLOUR}
                strokeWidth={1.5}
                strokeDasharray={FUNNEL_998_DASH}
                data-line="upper-998"
              />
              <polyline
                points={line('lower998')}
                fill="none"
                stroke={TEXT_COLOUR}
                strokeWidth={1.5}
                strokeDasharray={FUNNEL_998_DASH}
                data-line="lower-998"
              />
            </>
          ) : null}
          {drawn.map((p) => {
            const style = FUNNEL_FLAG_STYLES[p.flag ?? 'within']
            return (
              <path
                key={p.code}
                d={markPath(style.shape, x(p.denominator), y(p.value), 9)}
                fill={style.filled ? style.colour : '#ffffff'}
                fillOpacity={style.filled ? 1 : 0.6}
                stroke={style.filled ? '#ffffff' : style.colour}
                strokeWidth={style.filled ? 0.75 : 1.5}
                data-code={p.code}
                data-flag={p.flag ?? undefined}
              />
            )
          })}
          {selected ? (
            <circle
              cx={x(selected.denominator)}
              cy={y(selected.value)}
              r={10}
              fill="none"
              stroke={HIGHLIGHT_COLOUR}
              strokeWidth={3}
              strokeDasharray="5 2"
              data-selected="true"
            />
          ) : null}
        </g>
        {labels.map((l) => (
          <text
            key={l.code}
            x={l.x}
            y={l.y}
            dy="0.32em"
            textAnchor={l.anchor}
            fontSize={11}
            fontWeight={l.code === selectedCode ? 700 : 400}
            fill={TEXT_COLOUR}
            stroke="#ffffff"
            strokeWidth={3}
            paintOrder="stroke"
            data-label={l.code}
          >
            {l.text}
          </text>
        ))}
      </svg>
      <figcaption>
        <ul className="app-legend" aria-label="Key">
          {(Object.keys(FUNNEL_FLAG_STYLES) as FunnelFlag[])
            .filter((f) => flagsUsed.has(f))
            .map((f) => {
              const style = FUNNEL_FLAG_STYLES[f]
              return (
                <li key={f}>
                  <MarkSwatch style={style} />
                  {style.label}
                </li>
              )
            })}
          <li>
            <LineSwatch colour={FUNNEL_CENTRE_COLOUR} />
            Scotland
          </li>
          <li>
            <LineSwatch colour={AXIS_COLOUR} dash={FUNNEL_95_DASH} />
            95% limits
          </li>
          <li>
            <LineSwatch colour={TEXT_COLOUR} dash={FUNNEL_998_DASH} />
            99.8% limits
          </li>
          {selected ? (
            <li>
              <svg width={22} height={22} aria-hidden="true" focusable="false" className="app-legend__swatch">
                <circle
                  cx={11}
                  cy={11}
                  r={8}
                  fill="none"
                  stroke={HIGHLIGHT_COLOUR}
                  strokeWidth={3}
                  strokeDasharray="5 2"
                />
              </svg>
              {selected.name}
            </li>
          ) : null}
        </ul>
      </figcaption>
    </figure>
  )
}

export default FunnelChart
