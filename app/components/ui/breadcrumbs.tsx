import { Link } from '@remix-run/react'

/**
 * The design system's breadcrumbs: where this page sits (national, board, service), and, when
 * the page is deeper than its parent's title says, the page itself as the last, unlinked item.
 */
export function Breadcrumbs({ items, current }: { items: Array<{ to: string; label: string }>; current?: string }) {
  return (
    <nav aria-label="Breadcrumb">
      <ol className="ds_breadcrumbs">
        {items.map((item) => (
          <li className="ds_breadcrumbs__item" key={item.to}>
            <Link className="ds_breadcrumbs__link" to={item.to}>
              {item.label}
            </Link>
          </li>
        ))}
        {current ? <li className="ds_breadcrumbs__item">{current}</li> : null}
      </ol>
    </nav>
  )
}
