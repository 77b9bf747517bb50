/**
 * Readout errors carry a code, so the CLI maps each to its own exit status and message.
 *
 * @module
 */

/**
 * What went wrong, as the CLI reports it.
 *
 * @example
 * ```ts
 * if (error instanceof ReadoutError && error.code === 'flag-not-found') process.exitCode = EXIT_CODES[error.code];
 * ```
 */
export type ReadoutErrorCode = 'usage' | 'no-source' | 'flag-not-found' | 'event-not-found' | 'no-exposures' | 'one-variant' | 'missing-engine' | 'engine';

/**
 * Exit status per error code (0 ok, 1 unexpected, 2 usage).
 *
 * @example
 * ```ts
 * EXIT_CODES['one-variant']; // 7
 * ```
 */
export const EXIT_CODES: Record<ReadoutErrorCode, number> = {
  usage: 2,
  'no-source': 3,
  'flag-not-found': 4,
  'event-not-found': 5,
  'no-exposures': 6,
  'one-variant': 7,
  'missing-engine': 8,
  engine: 9,
};

/**
 * An error the user can act on.
 *
 * @example
 * ```ts
 * throw new ReadoutError('flag-not-found', "no evaluations of flag 'x'");
 * ```
 */
export class ReadoutError extends Error {
  constructor(
    readonly code: ReadoutErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReadoutError';
  }
}
