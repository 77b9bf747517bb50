/**
 * Access to the collector with the shipped production hardening (overlays/secure.yaml): a bearer
 * token on the OTLP receivers, TLS, CORS restricted to configured origins. Proven with real TLS
 * (a throwaway certificate made with openssl) against the real collector.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupFlagTelemetry } from '../../src/setup.js';
import { type Collector, CONFIG_DIR, MAIN_CONFIG, killAndRemove, otlpAttributes, readOtlpJsonRecords, startCollector } from '../fixtures/collector.js';

const TOKEN = 'collector-token-9d41e7c2b8';
const ALLOWED_ORIGIN = 'https://app.example.com';

let collector: Collector;
let ca: Buffer;
let base: string;

function post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: headers['x-method'] ?? 'POST', ca, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const payload = (subject: string) =>
  JSON.stringify({
    resourceLogs: [{ scopeLogs: [{ logRecords: [{ eventName: 'feature_flag.evaluation', attributes: [{ key: 'feature_flag.key', value: { stringValue: 'f' } }, { key: 'feature_flag.context.id', value: { stringValue: subject } }] }] }] }],
  });

let tlsDir: string | undefined;

beforeAll(async () => {
  const dir = (tlsDir = mkdtempSync(join(tmpdir(), 'offt-tls-')));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  ca = readFileSync(join(dir, 'cert.pem'));
  collector = await startCollector({
    configs: [MAIN_CONFIG, join(CONFIG_DIR, 'overlays', 'secure.yaml')],
    env: { OTLP_BEARER_TOKEN: TOKEN, OTLP_TLS_CERT_FILE: join(dir, 'cert.pem'), OTLP_TLS_KEY_FILE: join(dir, 'key.pem'), OTLP_CORS_ORIGINS: `[${ALLOWED_ORIGIN}]` },
  });
  base = `https://127.0.0.1:${collector.ports.http}`;
});

afterAll(async () => {
  await killAndRemove(collector);
  if (tlsDir !== undefined) rmSync(tlsDir, { recursive: true, force: true });
});

describe('the hardened collector (overlays/secure.yaml)', () => {
  it('refuses a request without the token, or with a wrong one, and writes nothing', async () => {
    expect((await post('/v1/logs', payload('no-token'), {})).status).toBe(401);
    expect((await post('/v1/logs', payload('wrong-token'), { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('refuses plain HTTP: TLS only', async () => {
    const response = await fetch(`http://127.0.0.1:${collector.ports.http}/v1/logs`, { method: 'POST', body: payload('plain'), headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }).catch(() => undefined);
    expect(response === undefined || response.status >= 400).toBe(true);
  });

  it('accepts a request with the right token over TLS', async () => {
    expect((await post('/v1/logs', payload('good-token'), { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('grants CORS only to the configured origin', async () => {
    const preflight = (origin: string) =>
      post('/v1/logs', '', { 'x-method': 'OPTIONS', origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const denied = await preflight('https://evil.example.com');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('setupFlagTelemetry passes headers and TLS settings through, and never logs the token', async () => {
    const messages: string[] = [];
    const capture = (...args: unknown[]) => messages.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    diag.setLogger({ error: capture, warn: capture, info: capture, debug: capture, verbose: capture }, DiagLogLevel.ALL);
    try {
      const good = setupFlagTelemetry({ url: `${base}/v1/logs`, headers: { Authorization: `Bearer ${TOKEN}` }, exporterOptions: { httpAgentOptions: { ca } } });
      good.hook.finally({ flagKey: 'secure-flag', context: { targetingKey: 'via-setup' } } as never, { flagKey: 'secure-flag', value: true, variant: 'on', flagMetadata: {} });
      await good.shutdown();
      expect(good.stats()).toMatchObject({ emitted: 1, exported: 1, dropped: 0 });

      const bad = setupFlagTelemetry({ url: `${base}/v1/logs`, headers: { Authorization: 'Bearer wrong-secret-value-55' }, exporterOptions: { httpAgentOptions: { ca } } });
      bad.hook.finally({ flagKey: 'secure-flag', context: { targetingKey: 'refused' } } as never, { flagKey: 'secure-flag', value: true, variant: 'on', flagMetadata: {} });
      await bad.shutdown();
      expect(bad.stats()).toMatchObject({ emitted: 1, exported: 0, droppedExportFailed: 1 });
    } finally {
      diag.disable();
    }
    expect(messages.length).toBeGreaterThan(0);
    const logged = messages.join('\n');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain('wrong-secret-value-55');
  });

  it('wrote exactly the accepted records', async () => {
    expect(await collector.stop()).toBe(0);
    const subjects = readOtlpJsonRecords(join(collector.outDir, 'raw-otlp.json')).map((r) => otlpAttributes(r)['feature_flag.context.id']);
    expect(subjects.sort()).toEqual(['good-token', 'via-setup']);
  });
});
