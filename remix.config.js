// Options for the Remix Vite plugin, kept at the top level where the product is known to keep
// them. vite.config.ts imports this file and passes it to `vitePlugin(...)`.

/** @type {import('@remix-run/dev').VitePluginConfig} */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_routeConfig: true,
    // Single fetch stays off: it is the only path that runs turbo-stream 2.4.1, which has an
    // advisory and no patched 2.x release (docs/decisions/0002-remix-v2-safety.md).
    v3_singleFetch: false,
  },
}
