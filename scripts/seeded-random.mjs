/**
 * The one seeded pseudo-random generator of the bench, the demo and the tests that need
 * reproducible data: a 31-bit linear congruential generator (glibc's constants), exact in doubles.
 * Not for anything secret.
 *
 * @example
 *   const random = seededRandom(42);
 *   random(); // 0 <= x < 1, the same sequence for the same seed
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    // Math.imul keeps the product exact in 32 bits; the mask keeps 31 of them.
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}
