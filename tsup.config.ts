import { defineConfig } from 'tsup';

// ESM and CJS builds with declarations. Peer dependencies stay external (tsup's default), so the
// app's single copy of @opentelemetry/api and @openfeature/* is used.
export default defineConfig({
  entry: { index: 'src/index.ts', setup: 'src/setup.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
});
