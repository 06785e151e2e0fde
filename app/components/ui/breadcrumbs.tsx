import { Link } from '@remix-run/react'

/** The design system's breadcrumbs: where this page sits (national, board, service). */
export function Breadcrumbs({ items }: { items: Array<{ to: string; label: string }> }) {
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
      </ol>
    </nav>
  )
}
