/**
 * Diag reporting is rate-limited per kind: bad input on every evaluation gives one message per
 * kind every REPORT_INTERVAL_MS, with a count of what was suppressed, and a throwing diag logger
 * never reaches the application.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REPORT_INTERVAL_MS, report, resetReports } from '../../src/diag-reporter.js';
import { warnOption } from '../../src/option-normalizer.js';

let messages: string[];

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  resetReports();
  messages = [];
  // Only this library's messages (diag itself may log about logger changes).
  const push = (m: string) => {
    if (m.startsWith('openfeature-otel-tracking: ')) messages.push(m);
  };
  diag.disable();
  diag.setLogger({ error: push, warn: push, info: push, debug: push, verbose: push }, DiagLogLevel.ALL);
});
afterEach(() => {
  diag.disable();
  resetReports();
  vi.useRealTimers();
});

describe('report', () => {
  it('sends one message per kind per interval and counts the suppressed ones in the next', () => {
    for (let i = 0; i < 5; i++) report('warn', 'bad-context', `problem ${i}`);
    expect(messages).toEqual(['openfeature-otel-tracking: problem 0']);
    vi.advanceTimersByTime(REPORT_INTERVAL_MS - 1);
    report('warn', 'bad-context', 'still inside the interval');
    expect(messages).toHaveLength(1);
    vi.advanceTimersByTime(1);
    report('warn', 'bad-context', 'after the interval');
    expect(messages).toEqual(['openfeature-otel-tracking: problem 0', 'openfeature-otel-tracking: after the interval (5 similar message(s) suppressed)']);
    vi.advanceTimersByTime(REPORT_INTERVAL_MS);
    report('warn', 'bad-context', 'quiet since');
    expect(messages.at(-1)).toBe('openfeature-otel-tracking: quiet since');
  });

  it('limits each kind on its own', () => {
    report('warn', 'a', 'first a');
    report('error', 'b', 'first b');
    report('warn', 'a', 'second a');
    expect(messages).toEqual(['openfeature-otel-tracking: first a', 'openfeature-otel-tracking: first b']);
  });

  it('never lets a throwing diag logger reach the caller', () => {
    const broken = () => {
      throw new Error('broken logger');
    };
    diag.disable();
    diag.setLogger({ error: broken, warn: broken, info() {}, debug() {}, verbose() {} }, DiagLogLevel.ERROR);
    expect(() => report('error', 'x', 'message')).not.toThrow();
  });

  it('rate-limits option warnings by the option they name', () => {
    warnOption('batch.maxQueueSize = Infinity is outside [1, 2000000] records; using 2000000');
    warnOption('batch.maxQueueSize = Infinity is outside [1, 2000000] records; using 2000000');
    warnOption('exportConcurrency = 99 is outside [1, 16] exports; using 16');
    expect(messages).toHaveLength(2);
  });
});
