// The return form's fields: `v.<service>.<measure>` for a figure and `c.<service>.<measure>` for
// its comment. Parsed with the same rules as uploads and the API.
import { FigureCommentSchema, FigureValueSchema, type Figure } from './rules.ts'

export const figureField = (service: string, measure: string) => `v.${service}.${measure}`
export const commentField = (service: string, measure: string) => `c.${service}.${measure}`
/** A field's id in the page, for labels and the error summary's links. */
export const fieldId = (service: string, measure: string) => `figure-${service}-${measure}`
export const commentId = (service: string, measure: string) => `comment-${service}-${measure}`

export interface ParsedReturnForm {
  figures: Figure[]
  /** field key (service|measure) -> message, for text that is not a valid count */
  errors: Array<{ service: string; measure: string; message: string }>
  /** What was typed, to put back in the form when it is shown again. */
  typed: Record<string, string>
}

export function parseReturnForm(formData: FormData): ParsedReturnForm {
  const figures = new Map<string, Figure>()
  const errors: ParsedReturnForm['errors'] = []
  const typed: Record<string, string> = {}
  const withValue = new Set<string>()
  for (const [name, raw] of formData.entries()) {
    const match = /^([vc])\.([a-z0-9-]+)\.([a-z0-9_]+)$/.exec(name)
    if (!match || typeof raw !== 'string') continue
    const [, kind, service, measure] = match as unknown as [string, 'v' | 'c', string, string]
    typed[name] = raw
    const key = `${service}|${measure}`
    const figure: Figure = figures.get(key) ?? { service, measure, value: null }
    if (kind === 'v') {
      withValue.add(key)
      const parsed = FigureValueSchema.safeParse(raw)
      if (parsed.success) figure.value = parsed.data
      else errors.push({ service, measure, message: parsed.error.issues[0]!.message })
    } else {
      const parsed = FigureCommentSchema.safeParse(raw)
      if (parsed.success) figure.comment = parsed.data
      else errors.push({ service, measure, message: parsed.error.issues[0]!.message })
    }
    figures.set(key, figure)
  }
  // A comment alone (no figure field) changes nothing: figures are only ever set with their value.
  return { figures: [...figures].filter(([key]) => withValue.has(key)).map(([, f]) => f), errors, typed }
}
