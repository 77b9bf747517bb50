/** A seeded pseudo-random generator returning 0 <= x < 1 (see seeded-random.mjs). */
export function seededRandom(seed: number): () => number;
