// A work thread (app/utils/threads.server.ts): the app's TypeScript source, loaded through tsx as
// the server itself is. Each export is one kind of work, under its function's own name.
import { register } from 'tsx/esm/api'

register()
export const { workOutPattern } = await import('../app/disclosure/pattern-job.ts')
export const { writeWorkbook } = await import('../app/api/workbook.ts')
export const { checkUploadRows } = await import('../app/returns/upload-rows.ts')
