// A pattern thread (app/disclosure/pattern-threads.server.ts): the app's TypeScript source,
// loaded through tsx as the server itself is.
import { register } from 'tsx/esm/api'

register()
const { workOutPattern } = await import('../app/disclosure/pattern-job.ts')
export default workOutPattern
