import { Link } from '@remix-run/react'

interface PageLink {
  to: string
  label: string
}

/** The design system's pagination as two links, to the page before and the page after (either may be missing). */
export function Pagination({ label, previous, next }: { label: string; previous?: PageLink; next?: PageLink }) {
  return (
    <nav className="ds_pagination" aria-label={label}>
      <ul className="ds_pagination__list">
        {[previous, next].map((page) =>
          page ? (
            <li className="ds_pagination__item" key={page.label}>
              <Link className="ds_pagination__link" to={page.to}>
                {page.label}
              </Link>
            </li>
          ) : null,
        )}
      </ul>
    </nav>
  )
}
