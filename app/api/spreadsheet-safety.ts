// Text written to CSV or XLSX that a spreadsheet opens: never a formula. A cell that starts with
// =, +, -, @ (or their full-width forms, which some spreadsheets fold to them), a tab, a carriage
// return or NUL can run as a formula (OWASP "CSV injection"). Board and service names come from
// reference data that administrators edit, so no text is trusted.
//
// Numbers are never passed through here: they are written as numbers (a negative number is not
// a formula), so they stay numbers in the spreadsheet.

/** Characters that start a formula, in their ASCII and full-width forms. */
export const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'] as const

// C0 and C1 control characters (tab, line feed and carriage return included), DEL, and the
// bidirectional overrides that can make text read differently from what it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g
const LINE_BREAKS = /[\t\n\r]+/g

/**
 * Spreadsheet-safe text: line breaks and tabs become spaces, other control characters go, and
 * text whose first visible character would start a formula gets a leading apostrophe, which
 * spreadsheets show as text (the value reads the same to a person).
 */
export function safeText(text: string): string {
  const cleaned = text.replace(LINE_BREAKS, ' ').replace(CONTROL, '')
  const first = cleaned.trimStart()[0]
  return first !== undefined && (FORMULA_TRIGGERS as readonly string[]).includes(first) ? `'${cleaned}` : cleaned
}
