// Every dashboard request starts here: the guard, the filters parsed once, the redirects to the
// short form of the address (or to the page a chosen board or service has), and one typed view.
import { redirect } from '@remix-run/node'
import { listServices } from '#app/models/catalogue.server.ts'
import { listBoards } from '#app/models/org-units.server.ts'
import { periodBuckets } from '#app/domain/periods.ts'
import { requireUser } from '#app/utils/auth.server.ts'
import { getConfig } from '#app/utils/config.server.ts'
import { formatDate, monthRange, PROGRAMME_START_MONTH, returnDeadline, ZONE } from '#app/utils/dates.ts'
import {
  canonicalLocation,
  type DashboardFilters,
  filtersToSearchParams,
  parseFilters,
  periodBounds,
  resolvePeriod,
  yearEarlier,
} from './filters.ts'
import type { DashboardView } from './view.ts'

/** The page filters each dashboard keeps in its address, besides the shared ones. */
type PageFilter = 'indicator' | 'sort' | 'dir' | 'measure' | 'page'

interface PageOptions {
  /** The page's own filters, kept in its address. */
  keep?: PageFilter[]
  /**
   * What the page's path names: a board's or service's page ignores that filter in its query
   * and, when the filters choose another one, moves there. Pages about every board or service
   * open the one chosen (`opens`).
   */
  subject?: { board: string } | { service: string } | { opens: 'board' | 'service' }
}

/**
 * The view a dashboard request asks for, after the guard and the redirects: a signed-in person,
 * the address in its short form, the page's subject and filters parsed and resolved.
 */
export async function requireDashboardView(request: Request, options: PageOptions = {}) {
  const user = await requireUser(request)
  const url = new URL(request.url)
  const now = new Date()
  const { RETURN_DEADLINE_DAY } = getConfig()
  const filters = parseFilters(url.searchParams)
  const subject = options.subject
  const [boards, services] = await Promise.all([listBoards(), listServices()])
  const moveTo = (kind: 'board' | 'service', value: string | undefined, current?: string) => {
    if (!value || value === current) return
    const known = kind === 'board' ? boards.some((b) => b.code === value) : services.some((s) => s.slug === value)
    if (!known) return
    const rest: Partial<DashboardFilters> = { ...filters, [kind]: undefined }
    if (subject && 'opens' in subject) Object.assign(rest, { sort: undefined, dir: undefined })
    const query = filtersToSearchParams(rest).toString()
    throw redirect(`/${kind}s/${value}${query ? `?${query}` : ''}`)
  }
  if (subject && 'opens' in subject) moveTo(subject.opens, filters[subject.opens])
  if (subject && 'board' in subject) moveTo('board', filters.board, subject.board)
  if (subject && 'service' in subject) moveTo('service', filters.service, subject.service)
  const omit =
    subject && 'board' in subject ? (['board'] as const) : subject && 'service' in subject ? (['service'] as const) : []
  const canonical = canonicalLocation(url, periodBounds(now, RETURN_DEADLINE_DAY), {
    keep: options.keep,
    omit: [...omit],
  })
  if (canonical) throw redirect(canonical)
  const search = new URLSearchParams(url.searchParams)
  for (const key of omit) search.delete(key)
  const view = resolveView({ search, now, deadlineDay: RETURN_DEADLINE_DAY, boards, services })
  return { user, view, url }
}

/**
 * The view of a figure's CSV address: the same query as its page, where `subject` names the
 * board or service the page takes from its path (not a filter there). No redirects: a download
 * address is used as it is given.
 */
export async function requireFigureView(request: Request, subject: 'board' | 'service' | null) {
  const user = await requireUser(request)
  const search = new URL(request.url).searchParams
  const code = subject ? search.get(subject) : null
  const filters = new URLSearchParams(search)
  if (subject) filters.delete(subject)
  const [boards, services] = await Promise.all([listBoards(), listServices()])
  const view = resolveView({
    search: filters,
    now: new Date(),
    deadlineDay: getConfig().RETURN_DEADLINE_DAY,
    boards,
    services,
  })
  return { user, view, code }
}

/**
 * The view of a query string: its filters with a fallback for each, the period they stand for,
 * and the board and service they name (with a notice for any that does not exist).
 */
export function resolveView({
  search,
  now,
  deadlineDay,
  boards,
  services,
}: {
  search: URLSearchParams
  now: Date
  deadlineDay: number
  boards: DashboardView['boards']
  services: DashboardView['services']
}): DashboardView {
  const filters = parseFilters(search)
  const bounds = periodBounds(now, deadlineDay)
  const period = resolvePeriod(filters, bounds)
  const notices: string[] = []
  const board = filters.board ? (boards.find((b) => b.code === filters.board) ?? null) : null
  if (filters.board && !board)
    notices.push(`There is no board with the code ${filters.board}, so all boards are shown.`)
  const service = filters.service ? (services.find((s) => s.slug === filters.service) ?? null) : null
  if (filters.service && !service)
    notices.push(`There is no service called “${filters.service}”, so all services are shown.`)
  for (const key of ['from', 'to'] as const) {
    const raw = search.get(key)
    if (raw && raw.trim() !== '' && filters[key] === undefined) {
      notices.push(
        `“${raw}” is not a month written as YYYY-MM, so the ${key === 'from' ? 'first' : 'last'} month was chosen for you.`,
      )
    }
  }
  return {
    filters: { ...filters, board: board?.code, service: service?.slug },
    period,
    comparison: yearEarlier(period),
    grain: filters.grain,
    buckets: periodBuckets(period, filters.grain),
    board,
    service,
    boards,
    services,
    monthOptions: monthRange(PROGRAMME_START_MONTH, bounds.latestAllowed),
    latestDue: bounds.latestDue,
    latestDueDeadline: formatDate(returnDeadline(bounds.latestDue, deadlineDay)),
    notices,
    sdcThreshold: filters.sdc === 'on' ? getConfig().SDC_THRESHOLD : null,
    deadlineDay,
    today: new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(now),
    asAt: null,
  }
}
