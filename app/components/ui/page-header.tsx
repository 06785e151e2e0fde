import type { ReactNode } from 'react'

/** The design system's page header: an optional label above the title, and a lead paragraph. */
export function PageHeader({ label, title, children }: { label?: string; title: string; children?: ReactNode }) {
  return (
    <header className="ds_page-header">
      {label ? <span className="ds_page-header__label ds_content-label">{label}</span> : null}
      <h1 className="ds_page-header__title">{title}</h1>
      {children ? <div className="ds_leader">{children}</div> : null}
    </header>
  )
}
