import type { ReactNode } from 'react'

/** The design system's question-page layout: a narrow column that keeps a form easy to read. */
export function QuestionPage({ children }: { children: ReactNode }) {
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">{children}</div>
    </div>
  )
}
