/**
 * The example's flag configuration for OpenFeature's InMemoryProvider: a 50/50 experiment on the
 * checkout button, split by a stable hash of the targeting key (as a real experimentation
 * provider would bucket subjects). Pure module: the browser tests import `variantFor` to know
 * which variant a shopper must see.
 */

/** The experiment's flag key. */
export const CHECKOUT_FLAG = 'checkout-button';

export type CheckoutVariant = 'classic' | 'express';

/** FNV-1a 32-bit hash of the key, bucketed into 0..99. */
export function bucketOf(targetingKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < targetingKey.length; i++) {
    hash ^= targetingKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % 100;
}

/** The variant a shopper is assigned to. */
export function variantFor(targetingKey: string | undefined): CheckoutVariant {
  return targetingKey !== undefined && bucketOf(targetingKey) < 50 ? 'express' : 'classic';
}

export const FLAGS = {
  [CHECKOUT_FLAG]: {
    variants: { classic: 'classic', express: 'express' },
    defaultVariant: 'classic',
    disabled: false,
    contextEvaluator: (context: { targetingKey?: string }) => variantFor(context.targetingKey),
  },
} as const;
