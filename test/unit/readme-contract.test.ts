// The README's two contract tables are the product's promise; src/semconv.ts is its one source of
// truth and docs/wire-contract.md its long form. This keeps the three from drifting apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as semconv from '../../src/semconv.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The attribute names (first column, in backticks) of the first table after `heading`. */
function tableAttributes(markdown: string, heading: RegExp): string[] {
  const start = markdown.search(heading);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const lines = markdown.slice(start).split('\n').slice(1);
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const name = /^\|\s*`([^`]+)`/.exec(line)?.[1];
    if (name !== undefined) rows.push(name);
  }
  return rows;
}

const constants = (prefix: string) =>
  Object.entries(semconv)
    .filter(([name]) => name.startsWith(prefix))
    .map(([, value]) => value as string);

describe('the wire contract tables match src/semconv.ts', () => {
  const readme = read('README.md');
  const doc = read('docs/wire-contract.md');
  const evaluation = tableAttributes(readme, /^### `feature_flag\.evaluation`/m);
  const tracking = tableAttributes(readme, /^### `openfeature\.tracking`/m);

  it('names exactly the attributes semconv.ts defines, each once per table', () => {
    expect(new Set([...evaluation, ...tracking])).toEqual(new Set(constants('ATTR_')));
    expect(new Set(evaluation).size).toBe(evaluation.length);
    expect(new Set(tracking).size).toBe(tracking.length);
  });

  it('names the event names semconv.ts defines', () => {
    expect(constants('EVENT_').sort()).toEqual(['feature_flag.evaluation', 'openfeature.tracking']);
    for (const event of constants('EVENT_')) expect(readme).toContain(`### \`${event}\``);
  });

  it('lists the same attributes per record as docs/wire-contract.md', () => {
    expect(tableAttributes(doc, /^## Evaluation record/m).sort()).toEqual([...evaluation].sort());
    expect(tableAttributes(doc, /^## Tracking record/m).sort()).toEqual([...tracking].sort());
  });

  it('puts the id on both records and tracking fields only on tracking records', () => {
    expect(evaluation).toContain(semconv.ATTR_LOG_RECORD_UID);
    expect(tracking).toContain(semconv.ATTR_LOG_RECORD_UID);
    expect(evaluation.filter((name) => name.startsWith('openfeature.tracking.'))).toEqual([]);
    expect(tracking.filter((name) => name.startsWith('feature_flag.result.'))).toEqual([]);
  });
});
