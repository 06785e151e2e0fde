// Dated events that explain a trend (/admin/annotations): markers on control charts, and on
// every trend a line in its notes and its CSV.
import type { EventMarker, Figure } from '#app/domain/figure.ts'
import { formatDate } from '#app/utils/dates.ts'
import type { FigureContext } from '../context.server.ts'

/** The events of the context's trends as markers: national ones, and the board's own. */
export async function eventMarkers(ctx: FigureContext): Promise<EventMarker[]> {
  const events = await ctx.data.annotations()
  return events.map((e) => ({
    period: e.eventDate.slice(0, 7),
    dateLabel: formatDate(`${e.eventDate}T12:00:00Z`),
    text: e.text,
    scope: e.orgUnitName ?? 'National',
    rebase: e.rebase,
  }))
}

/** 'Event, 2 October 2023 (Greater Glasgow and Clyde): platform changed.' */
export function eventNote(marker: EventMarker, rebased = '') {
  return `Event, ${marker.dateLabel} (${marker.scope}): ${marker.text}${marker.rebase ? rebased : ''}`
}

/** A trend with its events in its notes (so in its CSV too). */
export async function withEvents(ctx: FigureContext, figure: Figure): Promise<Figure> {
  const markers = await eventMarkers(ctx)
  return markers.length === 0 ? figure : { ...figure, notes: [...figure.notes, ...markers.map((m) => eventNote(m))] }
}
