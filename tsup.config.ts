import { defineConfig } from 'tsup';

// ESM and CJS builds with declarations. Every @opentelemetry/* and @openfeature/* import stays
// external: the app's single copy must be used, and the OTLP exporters pick their Node or browser
// transport from the app's own resolution. (tsup only externalises declared (peer) dependencies,
// and setup's SDK packages are deliberately not peers: see package.json.)
export default defineConfig({
  // readout (Node only: DuckDB/ClickHouse engines, loaded on demand) and the CLI behind `bin` are
  // entries of their own, so neither reaches the main or browser entry.
  entry: { index: 'src/index.ts', setup: 'src/setup.ts', readout: 'src/readout/index.ts', cli: 'src/readout/cli.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  splitting: true,
  treeshake: true,
  external: [/^@opentelemetry\//, /^@openfeature\//, '@duckdb/node-api', '@clickhouse/client'],
  // setup loads the OTLP exporter of the chosen protocol with import(). In the CJS build that must
  // be require(), or a CJS app would load the exporter's ESM build beside the CJS sdk-logs.
  esbuildOptions(options, context) {
    if (context.format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
});
