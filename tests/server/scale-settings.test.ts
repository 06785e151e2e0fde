// The settings for running beyond one machine, and the small pure pieces beneath them.
import os from 'node:os'
import path from 'node:path'
import type { ServerBuild } from '@remix-run/node'
import { describe, expect, test } from 'vitest'
import { ConfigError, readConfig } from '#app/utils/config.server.ts'
import { isReadOnlyStatement, parseLsn } from '#db/replicas.ts'
import { matchRoutePattern, routePatterns } from '../../server/metrics.ts'

const base = { NODE_ENV: 'test', DATA_DIR: '.data/test', SESSION_SECRET: 's'.repeat(40) } as const
const postgres = { ...base, DATABASE_URL: 'postgres://app@db.internal:5432/dashboard' }

describe('WEB_CONCURRENCY', () => {
  test('one process per core on PostgreSQL unless set', () => {
    expect(readConfig(postgres).WEB_CONCURRENCY).toBe(os.availableParallelism())
    expect(readConfig({ ...postgres, WEB_CONCURRENCY: '3' }).WEB_CONCURRENCY).toBe(3)
  })
  test('always one on the embedded database, which one process owns', () => {
    expect(readConfig(base).WEB_CONCURRENCY).toBe(1)
    expect(readConfig({ ...base, WEB_CONCURRENCY: '4' }).WEB_CONCURRENCY).toBe(1)
  })
  test('a nonsense value stops the start with the variable named', () => {
    expect(() => readConfig({ ...postgres, WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY/)
    expect(() => readConfig({ ...postgres, WEB_CONCURRENCY: 'many' })).toThrow(/WEB_CONCURRENCY/)
  })
})

describe('DATABASE_POOL_SIZE and DATABASE_REPLICA_URL', () => {
  test('10 connections unless set', () => {
    expect(readConfig(postgres).DATABASE_POOL_SIZE).toBe(10)
    expect(readConfig({ ...postgres, DATABASE_POOL_SIZE: '25' }).DATABASE_POOL_SIZE).toBe(25)
    expect(() => readConfig({ ...postgres, DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/)
  })
  test('replicas, comma-separated; none unless set', () => {
    expect(readConfig(postgres).DATABASE_REPLICA_URL).toEqual([])
    expect(
      readConfig({ ...postgres, DATABASE_REPLICA_URL: 'postgres://r1:5432/d, postgresql://r2:5432/d' })
        .DATABASE_REPLICA_URL,
    ).toEqual(['postgres://r1:5432/d', 'postgresql://r2:5432/d'])
    expect(() => readConfig({ ...postgres, DATABASE_REPLICA_URL: 'mysql://r1/d' })).toThrow(/DATABASE_REPLICA_URL/)
  })
  test('replicas without a primary are refused', () => {
    expect(() => readConfig({ ...base, DATABASE_REPLICA_URL: 'postgres://r1:5432/d' })).toThrow(ConfigError)
  })
})

describe('TRUST_PROXY', () => {
  const trust = (value: string | undefined) => readConfig({ ...base, TRUST_PROXY: value }).TRUST_PROXY
  test('unset, empty, 0 or false: nobody', () => {
    for (const value of [undefined, '', '0', 'false']) expect(trust(value)).toBe(false)
  })
  test('a number of hops', () => {
    expect(trust('2')).toBe(2)
  })
  test('addresses, ranges and the named ranges', () => {
    expect(trust('loopback, 10.0.0.0/8,192.168.1.5, fd00::/8')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.5',
      'fd00::/8',
    ])
  })
  test.each(['true', 'everyone', '10.0.0.0/33', '300.1.1.1', '10.0.0.0/8/1'])('%s is refused', (value) => {
    expect(() => trust(value)).toThrow(/TRUST_PROXY/)
  })
})

describe('METRICS_TOKEN', () => {
  test('unset: none; too short to be a secret: refused', () => {
    expect(readConfig(base).METRICS_TOKEN).toBeUndefined()
    expect(() => readConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/)
  })
})

describe('WAL positions', () => {
  test('compare as numbers across the high and low words', () => {
    // 1/0 is 2^32 = 4294967296; 0/FFFFFFFF is 4294967295, one less.
    expect(parseLsn('1/0')).toBe(4_294_967_296n)
    expect(parseLsn('0/FFFFFFFF')).toBe(4_294_967_295n)
    expect(parseLsn('16/B374D848')! > parseLsn('16/B374D847')!).toBe(true)
    expect(parseLsn(null)).toBeUndefined()
    expect(parseLsn('nonsense')).toBeUndefined()
  })
})

describe('which statements may run on a replica', () => {
  test.each([
    'select 1',
    '  (select a from t) union (select b from u)',
    'with x as (select 1) select * from x',
    'select updated_at from returns',
  ])('read: %s', (text) => expect(isReadOnlyStatement(text)).toBe(true))
  test.each([
    'insert into t values (1)',
    'with moved as (delete from t returning *) select * from moved',
    'select * from returns where id = 1 for update',
    'select * from returns for no key update',
    'select * from returns for share',
    "select nextval('s')",
    'select pg_advisory_xact_lock(1)',
    "select set_config('a', 'b', false)",
    'update t set a = 1',
    'begin',
  ])('not only a read: %s', (text) => expect(isReadOnlyStatement(text)).toBe(false))
})

describe('route patterns for the request metrics', async () => {
  const build = (await import(path.resolve('build/server/index.js'))) as ServerBuild
  const entries = routePatterns(build.routes)
  test.each([
    ['/', '/'],
    ['/boards', '/boards'],
    ['/boards/S08000024', '/boards/:code'],
    ['/boards/S08000024/', '/boards/:code'],
    ['/returns/S08000024/2025-04', '/returns/:code/:month'],
    ['/returns/S08000024/2025-04/history', '/returns/:code/:month/history'],
    ['/returns/upload', '/returns/upload'],
    ['/admin/users/new', '/admin/users/new'],
    ['/admin/users/17', '/admin/users/:id'],
    ['/api/v1/openapi.json', '/api/v1/openapi.json'],
    ['/figures/overview-trend', '/figures/:figure'],
    // Anything else is answered by the not-found route: one series, whatever is typed.
    ['/wp-admin/setup.php', '/*'],
    ['/boards/S08000024/extra/segments', '/*'],
  ])('%s counts as %s', (pathname, pattern) => {
    expect(matchRoutePattern(entries, pathname)).toBe(pattern)
  })
})
