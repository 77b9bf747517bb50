/**
 * Every collector config in the repository validates with the binary it is meant for, and the
 * slim build contains every component the shipped configs name. The cloud routes (GCS, Pub/Sub,
 * Azure Blob) pull in large SDKs, so they live in a wider build used only here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DIR, MAIN_CONFIG, collectorBinary } from '../fixtures/collector.js';

const CLOUD_ROUTES = new Set(['googleStorage.yaml', 'pubsub.yaml', 'azureBlobStorage.yaml']);
const exporterFiles = readdirSync(join(CONFIG_DIR, 'exporters')).filter((f) => f.endsWith('.yaml')).sort();
const overlayFiles = readdirSync(join(CONFIG_DIR, 'overlays')).filter((f) => f.endsWith('.yaml')).sort();
const slimRoutes = exporterFiles.filter((f) => !CLOUD_ROUTES.has(f));
/** The OTTL config for the official contrib image (docker-compose.yml runs it). */
const CONTRIB_CONFIG = join(CONFIG_DIR, 'otelcol-contrib.yaml');
const cloudRoutes = exporterFiles.filter((f) => CLOUD_ROUTES.has(f));

/** Values for the variables the configs require (no default), as an operator would set them. */
const scratch = mkdtempSync(join(tmpdir(), 'offt-validate-'));
const VALIDATE_ENV = {
  ...process.env,
  OFFT_OUT_DIR: scratch,
  OFFT_STORAGE_DIR: join(scratch, 'queue'),
  OTLP_CORS_ORIGINS: '[https://app.example.com]',
  OTLP_BEARER_TOKEN: 'validate-token',
  OTLP_TLS_CERT_FILE: join(scratch, 'cert.pem'),
  OTLP_TLS_KEY_FILE: join(scratch, 'key.pem'),
  GOFF_WEBHOOK_URL: 'https://hooks.example.com/goff',
  GOFF_WEBHOOK_AUTHORIZATION: 'Bearer x',
  OFFT_SQS_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/goff-events',
  OFFT_OTLP_BACKEND_AUTHORIZATION: 'Bearer y',
  OFFT_GCS_PROJECT: 'validate-project',
  OFFT_AZURE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=a2V5;EndpointSuffix=core.windows.net',
};

function validate(bin: string, configs: string[]): void {
  try {
    execFileSync(bin, ['validate', ...configs.map((c) => `--config=${c}`)], { env: VALIDATE_ENV, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    throw new Error(`validate failed for ${configs.join(' + ')}:\n${e.stderr ?? ''}${e.stdout ?? ''}`, { cause: err });
  }
}

/** component type names ("otlp_http" of "otlp_http/goff_webhook") per kind, named anywhere in a config. */
function componentsNamed(files: string[]): Record<string, Set<string>> {
  const kinds: Record<string, Set<string>> = { receivers: new Set(), processors: new Set(), exporters: new Set(), connectors: new Set(), extensions: new Set() };
  for (const file of files) {
    const config = parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    for (const kind of Object.keys(kinds)) for (const id of Object.keys(config[kind] ?? {})) kinds[kind]!.add(id.split('/')[0]!);
  }
  return kinds;
}

function componentsBuilt(bin: string): Record<string, Set<string>> {
  const listed = parse(execFileSync(bin, ['components'], { encoding: 'utf8' })) as Record<string, { name: string }[] | undefined>;
  return Object.fromEntries(
    ['receivers', 'processors', 'exporters', 'connectors', 'extensions'].map((kind) => [kind, new Set((listed[kind] ?? []).map((c) => c.name))]),
  );
}

let slim: string;
let cloud: string;
beforeAll(() => {
  slim = collectorBinary();
  cloud = collectorBinary('collector-config/manifest-cloud.yaml');
}, 1_800_000);

describe('collector configs', () => {
  it('the main config validates with the slim build', () => {
    validate(slim, [MAIN_CONFIG]);
  });

  it('the contrib-image config validates alone and with the ClickHouse overlay compose adds (slim build: every component it names is in contrib)', () => {
    validate(slim, [CONTRIB_CONFIG]);
    validate(slim, [CONTRIB_CONFIG, join(CONFIG_DIR, 'exporters', 'clickhouse.yaml')]);
    // Nothing the contrib image lacks: no component of this repository's own modules.
    const contrib = componentsNamed([CONTRIB_CONFIG]);
    expect([...contrib['extensions']!].filter((type) => type.startsWith('goff_') || type === 'torn_tail_repair')).toEqual([]);
  });

  it.each(slimRoutes)('the main config plus exporters/%s validates with the slim build', (file) => {
    validate(slim, [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', file)]);
  });

  it.each(overlayFiles)('the main config plus overlays/%s validates with the slim build', (file) => {
    validate(slim, [MAIN_CONFIG, join(CONFIG_DIR, 'overlays', file)]);
  });

  it('every slim route and overlay validates stacked together (they do not clash)', () => {
    validate(slim, [MAIN_CONFIG, ...slimRoutes.map((f) => join(CONFIG_DIR, 'exporters', f)), ...overlayFiles.map((f) => join(CONFIG_DIR, 'overlays', f))]);
  });

  it.each(cloudRoutes)('the main config plus exporters/%s validates with the cloud build', (file) => {
    validate(cloud, [MAIN_CONFIG, join(CONFIG_DIR, 'exporters', file)]);
  });

  it('the slim build lists every component the slim configs name, and the cloud build every cloud one', () => {
    const slimFiles = [MAIN_CONFIG, ...slimRoutes.map((f) => join(CONFIG_DIR, 'exporters', f)), ...overlayFiles.map((f) => join(CONFIG_DIR, 'overlays', f))];
    const named = componentsNamed(slimFiles);
    const built = componentsBuilt(slim);
    for (const kind of Object.keys(named)) {
      expect([...named[kind]!].filter((type) => !built[kind]!.has(type)), `${kind} missing from the slim build`).toEqual([]);
    }
    const cloudNamed = componentsNamed(cloudRoutes.map((f) => join(CONFIG_DIR, 'exporters', f)));
    const cloudBuilt = componentsBuilt(cloud);
    for (const kind of Object.keys(cloudNamed)) {
      expect([...cloudNamed[kind]!].filter((type) => !cloudBuilt[kind]!.has(type)), `${kind} missing from the cloud build`).toEqual([]);
    }
  });

  it('the slim manifest lists exactly the components the shipped slim configs use, nothing more', () => {
    const built = componentsBuilt(slim);
    const named = componentsNamed([MAIN_CONFIG, CONTRIB_CONFIG, ...slimRoutes.map((f) => join(CONFIG_DIR, 'exporters', f)), ...overlayFiles.map((f) => join(CONFIG_DIR, 'overlays', f))]);
    const unused = Object.keys(built).flatMap((kind) => [...built[kind]!].filter((type) => !named[kind]!.has(type)).map((type) => `${kind}/${type}`));
    expect(unused).toEqual([]);
  });

  it('every route or overlay that lists service.extensions keeps every extension the main config starts (a later file replaces a list whole)', () => {
    const extensionsOf = (file: string) => (parse(readFileSync(file, 'utf8')) as { service?: { extensions?: string[] } }).service?.extensions;
    const base = extensionsOf(MAIN_CONFIG) ?? [];
    const files = [...exporterFiles.map((f) => join(CONFIG_DIR, 'exporters', f)), ...overlayFiles.map((f) => join(CONFIG_DIR, 'overlays', f))];
    for (const file of files) {
      const list = extensionsOf(file);
      if (list !== undefined) expect(base.filter((id) => !list.includes(id)), `${file} drops base extensions`).toEqual([]);
    }
  });
});
