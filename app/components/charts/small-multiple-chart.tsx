// One board's line in a set of small multiples: every board's chart shares the same scale
// (0 to `max`), so heights compare across the grid. Gaps where nothing was reported.
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { CellKind } from '#app/domain/figure.ts'
import {
  AXIS_COLOUR,
  formatTick,
  formatTooltipValue,
  GRID_COLOUR,
  HIGHLIGHT_COLOUR,
  SMALL_MULTIPLE_HEIGHT,
  SMALL_MULTIPLE_MARGIN,
  seriesStyle,
  TEXT_COLOUR,
} from './chart-config.ts'

export interface SmallMultipleChartProps {
  points: Array<{ period: string; value: number | null }>
  max: number
  kind: CellKind
  valueLabel: string
  highlighted?: boolean
}

export default function SmallMultipleChart({ points, max, kind, valueLabel, highlighted }: SmallMultipleChartProps) {
  const style = seriesStyle(0)
  const colour = highlighted ? HIGHLIGHT_COLOUR : style.colour
  return (
    <LineChart
      responsive
      style={{ width: '100%', height: SMALL_MULTIPLE_HEIGHT }}
      data={points}
      margin={SMALL_MULTIPLE_MARGIN}
      accessibilityLayer
    >
      <CartesianGrid stroke={GRID_COLOUR} vertical={false} />
      <XAxis
        dataKey="period"
        stroke={AXIS_COLOUR}
        tick={{ fill: TEXT_COLOUR, fontSize: 11 }}
        interval="preserveStartEnd"
        minTickGap={40}
      />
      <YAxis
        stroke={AXIS_COLOUR}
        domain={[0, max]}
        ticks={[0, max]}
        tick={{ fill: TEXT_COLOUR, fontSize: 11 }}
        tickFormatter={(v: number) => formatTick(v, kind)}
        width={56}
      />
      <Tooltip
        formatter={(value) => [formatTooltipValue(value, kind), valueLabel]}
        contentStyle={{ borderColor: AXIS_COLOUR, color: TEXT_COLOUR }}
      />
      <Line
        dataKey="value"
        name={valueLabel}
        stroke={colour}
        strokeWidth={highlighted ? 3 : 2}
        strokeDasharray={highlighted ? '8 4' : undefined}
        dot={points.length <= 12 ? { r: 2, fill: colour } : false}
        connectNulls={false}
        isAnimationActive={false}
      />
    </LineChart>
  )
}
