import fs from 'node:fs'
import { expect, test } from 'vitest'

// Remix v2 pins router packages with published advisories; package.json overrides them to the
// patched releases (docs/decisions/0002-remix-v2-safety.md). The lockfile must hold exactly those.
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { version?: string }>
}
const versions = (name: string) =>
  Object.entries(lock.packages)
    .filter(([key]) => key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`))
    .map(([, value]) => value.version)

test('every copy of the router packages is the patched release', () => {
  expect(versions('react-router-dom')).toEqual(['6.30.6'])
  expect(versions('react-router')).toEqual(['6.30.6'])
  expect(versions('@remix-run/router')).toEqual(['1.23.4'])
})

test('the unmaintained SheetJS package is not installed', () => {
  expect(versions('xlsx')).toEqual([])
})
