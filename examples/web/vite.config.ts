/**
 * Builds the example web shop: `npx vite build examples/web` (or `--config examples/web/vite.config.ts`).
 * The library is taken from the repository's source (an app would install the package).
 * Set VITE_OTLP_ENDPOINT to the collector's OTLP/HTTP base URL (default http://localhost:4318).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const src = resolve(here, '../../src');

export default defineConfig({
  root: here,
  base: './',
  resolve: {
    alias: [
      { find: /^openfeature-otel-tracking\/setup$/, replacement: resolve(src, 'setup.ts') },
      { find: /^openfeature-otel-tracking$/, replacement: resolve(src, 'index.ts') },
    ],
  },
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
});
