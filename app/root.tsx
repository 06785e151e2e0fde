import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import designSystemCss from '@scottish-government/design-system/dist/css/design-system.min.css?url'
import type { ReactNode } from 'react'
import { PageHeader } from './components/ui/page-header.tsx'
import { SiteFooter } from './components/ui/site-footer.tsx'
import { SiteHeader, type NavItem } from './components/ui/site-header.tsx'
import appCss from './styles/app.css?url'
import figuresCss from './styles/figures.css?url'
import { useNonce } from './utils/nonce.ts'
import { can, ROLE_LABELS } from './utils/permissions.ts'
import { getSessionUser } from './utils/session.server.ts'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: designSystemCss },
  { rel: 'stylesheet', href: appCss },
  { rel: 'stylesheet', href: figuresCss },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [{ title: 'Digital Therapies Programme Dashboard' }]

const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'Overview' },
  { to: '/boards', label: 'Boards' },
  { to: '/services', label: 'Services' },
  { to: '/coverage', label: 'Coverage' },
  { to: '/variation', label: 'Variation' },
  { to: '/equity', label: 'Equity' },
  { to: '/value', label: 'Value' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getSessionUser(request)
  if (!user) return json({ user: null, roleItems: [] as NavItem[] })
  // What a role may use besides the dashboards; administration is one item, with its own page.
  const roleItems: NavItem[] = [
    ...(user.role !== 'analyst' ? [{ to: '/returns', label: 'Returns' }] : []),
    ...(can.viewQueries(user) ? [{ to: '/queries', label: 'Queries' }] : []),
    { to: '/completeness', label: 'Completeness' },
    { to: '/exports', label: 'Exports' },
    ...(can.viewAudit(user) ? [{ to: '/audit', label: 'Audit' }] : []),
    ...(can.administer(user) ? [{ to: '/admin', label: 'Administration' }] : []),
  ]
  return json({
    user: { name: user.name, email: user.email, role: ROLE_LABELS[user.role], board: user.orgUnitName },
    roleItems,
  })
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  // Absent when the root loader itself failed (the error boundary then renders without it).
  const data = useRouteLoaderData<typeof loader>('root')
  const user = data?.user ?? null
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <div className="ds_page">
          <div className="ds_page__top">
            <nav className="ds_skip-links" aria-label="Skip link">
              <ul className="ds_skip-links__list">
                <li className="ds_skip-links__item">
                  <a className="ds_skip-links__link" href="#main-content">
                    Skip to main content
                  </a>
                </li>
              </ul>
            </nav>
            <SiteHeader items={user ? [...NAV_ITEMS, ...(data?.roleItems ?? [])] : []} user={user} />
          </div>
          <div className="ds_page__middle">
            <div className="ds_wrapper">
              <main id="main-content" className="app-main" tabIndex={-1}>
                {children}
              </main>
            </div>
          </div>
          <div className="ds_page__bottom">
            <SiteFooter />
          </div>
        </div>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

/** Every route's errors end here: a plain explanation, by HTTP status, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError()
  if (isRouteErrorResponse(error)) {
    const { title, text } = describeStatus(error.status, typeof error.data === 'string' ? error.data : undefined)
    return (
      <PageHeader title={title}>
        <p>{text}</p>
      </PageHeader>
    )
  }
  return (
    <PageHeader title="Sorry, there is a problem with the service">
      <p>Try again later. Nothing you have already saved has been lost.</p>
    </PageHeader>
  )
}

function describeStatus(status: number, message: string | undefined) {
  switch (status) {
    case 400:
      return { title: 'There is a problem with the request', text: message ?? 'Check the address and try again.' }
    case 403:
      return { title: 'You do not have access to this page', text: message ?? 'Your role does not allow this.' }
    case 404:
      return { title: 'Page not found', text: message ?? 'If you typed the address, check it is correct.' }
    case 503:
      return { title: 'Sorry, the service is unavailable', text: message ?? 'Try again in a few minutes.' }
    default:
      return { title: 'Sorry, there is a problem with the service', text: message ?? 'Try again later.' }
  }
}
