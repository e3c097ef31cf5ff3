import { defineConfig } from 'vite';

// Preact's JSX through esbuild's own transform: no framework plugin, no Babel.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The audit server serves assets/ with a year-long immutable cache: every name carries a hash.
    assetsDir: 'assets',
    // No inline module-preload polyfill: the page's CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev` against a running `opsledger up` (its default audit port).
    proxy: { '/api': 'http://127.0.0.1:19081' },
  },
});
