// The JavaScript a page makes the browser download, gzipped: its entry, the root and page route
// modules and their imports, and the chart chunks it loads after hydration (every chunk reachable
// through a dynamic import: an upper bound, as a page loads only the charts it shows).
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { ServerBuild } from '@remix-run/node'

const CLIENT_DIR = path.resolve('build/client')

function gzipSize(file: string) {
  return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length
}

/** Chunks a chunk loads later: Vite writes them as "assets/x.js" or "./x.js" in the code. */
function dynamicChunks(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  const found = new Set<string>()
  for (const match of text.matchAll(/["'](?:\.\/|assets\/)([\w.-]+\.js)["']/g)) found.add(`/assets/${match[1]}`)
  return [...found]
}

export interface ClientJs {
  /** Downloaded before the page is interactive. */
  initial: number
  /** Plus the chart code loaded after hydration. */
  total: number
  files: Array<{ file: string; gzip: number; when: 'initial' | 'after hydration' }>
}

export function measureClientJs(build: ServerBuild, routeIds: string[]): ClientJs {
  const initial = new Set<string>([build.assets.entry.module, ...build.assets.entry.imports])
  for (const id of routeIds) {
    const route = build.assets.routes[id]
    if (!route) throw new Error(`No route ${id} in the build`)
    initial.add(route.module)
    for (const i of route.imports ?? []) initial.add(i)
  }
  const later = new Set<string>()
  const queue = [...initial]
  while (queue.length > 0) {
    const next = queue.shift()!
    for (const chunk of dynamicChunks(path.join(CLIENT_DIR, next))) {
      if (initial.has(chunk) || later.has(chunk)) continue
      later.add(chunk)
      queue.push(chunk)
    }
  }
  const files = [
    ...[...initial].map((file) => ({ file, gzip: gzipSize(path.join(CLIENT_DIR, file)), when: 'initial' as const })),
    ...[...later].map((file) => ({
      file,
      gzip: gzipSize(path.join(CLIENT_DIR, file)),
      when: 'after hydration' as const,
    })),
  ]
  const sum = (list: typeof files) => list.reduce((total, f) => total + f.gzip, 0)
  return { initial: sum(files.filter((f) => f.when === 'initial')), total: sum(files), files }
}
