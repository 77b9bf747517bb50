/**
 * The context policy: what of the evaluation context leaves the process, i.e. the subject id
 * (as is, hashed, or not at all) and an allow-list of attributes. Shared by the evaluation hook
 * and the tracking provider, so both write the same `feature_flag.context.id` for the same subject
 * and exposures join outcomes.
 *
 * @module
 */
import { createHmacSha256 } from './hmac-sha256.js';
import { type Budget, type Limits, cutString, isAttributeMap, isUnsafeMapKey, normalize, wellFormed } from './normalize.js';
import type { AnyValue } from './otel-types.js';
import { ATTR_OPENFEATURE_CONTEXT } from './semconv.js';

/**
 * What `feature_flag.context.id` holds.
 * - `'targetingKey'` (default): the flag metadata `contextId`, else the targeting key, as is.
 * - `'hash'`: the same id as HMAC-SHA-256 hex, keyed with `hashKey`.
 * - `'none'`: never written.
 *
 * @example
 * ```ts
 * new EvaluationEventHook({ contextId: 'hash', hashKey: process.env.FLAG_ID_HASH_KEY });
 * ```
 */
export type ContextIdMode = 'targetingKey' | 'hash' | 'none';

/**
 * Options that decide what of the evaluation context is exported. Used by the hook and the provider.
 *
 * @example
 * ```ts
 * const privacy: ContextExportOptions = { contextId: 'hash', hashKey: secretKey, contextAttributes: [] };
 * OpenFeature.addHooks(new EvaluationEventHook(privacy));
 * await OpenFeature.setProviderAndWait(withTracking(provider, privacy));
 * ```
 */
export interface ContextExportOptions {
  /** What `feature_flag.context.id` holds. Default `'targetingKey'`. */
  contextId?: ContextIdMode;
  /**
   * Secret key for `contextId: 'hash'` (required then). Use at least 16 random bytes and keep it
   * stable: the same key gives the same id, so exposures and outcomes still join.
   */
  hashKey?: string | Uint8Array;
  /**
   * Evaluation-context attributes exported as the map `openfeature.context`. Default
   * `['anonymous']`; `'*'` exports all of them (except `targetingKey`); `[]` exports none.
   */
  contextAttributes?: readonly string[] | '*';
}

/** The context policy: the normalised, precomputed form of {@link ContextExportOptions}. */
export interface ContextPolicy {
  /** Maps a raw subject id to what is written, or `undefined` to write nothing. */
  readonly id: (raw: unknown, budget: Budget) => string | undefined;
  /** The `openfeature.context` map for `context`, or `undefined` when empty or disabled. */
  readonly attributes:
    | ((context: Readonly<Record<string, unknown>>, limits: Limits, budget: Budget) => { [key: string]: AnyValue } | undefined)
    | undefined;
}

/**
 * Adds the `openfeature.context` map to `attributes` when the policy allow-lists attributes and
 * `context` sets any of them. Shared by the evaluation and tracking records.
 */
export function addExportedContext(
  attributes: { [key: string]: AnyValue },
  policy: ContextPolicy,
  context: unknown,
  limits: Limits,
  budget: Budget,
): void {
  const pick = policy.attributes;
  if (pick === undefined || context === null || typeof context !== 'object') return;
  const picked = pick(context as Readonly<Record<string, unknown>>, limits, budget);
  if (picked !== undefined) attributes[ATTR_OPENFEATURE_CONTEXT] = picked;
}

/** How many hashed ids are remembered; hashing costs microseconds, a lookup nanoseconds. */
const HASH_CACHE_SIZE = 4096;

const MIN_HASH_KEY_BYTES = 16;

/**
 * Validates and precomputes context export options into a policy. Throws on programmer errors
 * (unknown mode, missing `hashKey`); warns through `warn` on weak settings.
 */
export function createContextPolicy(options: ContextExportOptions, warn: (message: string) => void): ContextPolicy {
  const mode = options.contextId ?? 'targetingKey';
  return { id: createIdMapper(mode, options.hashKey, warn), attributes: createAttributePicker(options.contextAttributes ?? ['anonymous']) };
}

function createIdMapper(
  mode: ContextIdMode,
  hashKey: string | Uint8Array | undefined,
  warn: (message: string) => void,
): ContextPolicy['id'] {
  switch (mode) {
    case 'none':
      return () => undefined;
    case 'targetingKey':
      if (hashKey !== undefined) {
        // A key without contextId: 'hash' would send raw ids while the user believes they are hashed.
        warn("hashKey is set but contextId is not 'hash': targeting keys are exported as is. Set contextId: 'hash' to hash them");
      }
      return toId;
    case 'hash': {
      if (hashKey === undefined || (typeof hashKey !== 'string' && !(hashKey instanceof Uint8Array))) {
        throw new TypeError(
          "openfeature-otel-tracking: contextId: 'hash' needs hashKey (a secret string or Uint8Array of at least 16 bytes), e.g. from an environment variable",
        );
      }
      const length = typeof hashKey === 'string' ? new TextEncoder().encode(hashKey).length : hashKey.length;
      if (length < MIN_HASH_KEY_BYTES) {
        warn(`hashKey is ${length} bytes; use at least ${MIN_HASH_KEY_BYTES} random bytes so ids cannot be guessed back`);
      }
      const hmac = createHmacSha256(hashKey);
      const cache = new Map<string, string>();
      return (raw, budget) => {
        const id = toId(raw, budget);
        if (id === undefined) return undefined;
        let hashed = cache.get(id);
        if (hashed === undefined) {
          hashed = hmac(id);
          if (cache.size >= HASH_CACHE_SIZE) cache.clear();
          cache.set(id, hashed);
        }
        return hashed;
      };
    }
    default:
      throw new TypeError(
        `openfeature-otel-tracking: contextId must be 'targetingKey', 'hash' or 'none', got ${JSON.stringify(String(mode))}`,
      );
  }
}

/** A subject id is a non-empty string; numbers are accepted and written as strings. */
function toId(raw: unknown, budget: Budget): string | undefined {
  if (typeof raw === 'string') return raw.length === 0 ? undefined : raw.length > 256 ? boundId(raw, budget) : wellFormed(raw, budget);
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    budget.note('a non-string targeting key was written as a string');
    return String(raw);
  }
  budget.note(`a targeting key of type ${typeof raw} was ignored`);
  return undefined;
}

function boundId(raw: string, budget: Budget): string {
  budget.note('a targeting key longer than 256 characters was cut');
  return cutString(raw, 256, budget);
}

function createAttributePicker(allow: readonly string[] | '*'): ContextPolicy['attributes'] {
  if (allow === '*') return pickAll;
  if (!Array.isArray(allow) || allow.some((name) => typeof name !== 'string')) {
    throw new TypeError("openfeature-otel-tracking: contextAttributes must be an array of attribute names or '*'");
  }
  const names: string[] = [...new Set<string>(allow)].filter((name) => name !== 'targetingKey' && !isUnsafeMapKey(name));
  if (names.length === 0) return undefined;
  return (context, limits, budget) => {
    let out: { [key: string]: AnyValue } | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const raw = readField(context, name);
      if (raw === undefined) continue;
      const value = normalize(raw, limits, budget);
      if (value === undefined) continue;
      out ??= {};
      out[name] = value;
    }
    return out;
  };
}

function pickAll(
  context: Readonly<Record<string, unknown>>,
  limits: Limits,
  budget: Budget,
): { [key: string]: AnyValue } | undefined {
  const value = normalize(context, limits, budget);
  if (!isAttributeMap(value)) return undefined;
  delete value['targetingKey'];
  return Object.keys(value).length === 0 ? undefined : value;
}

function readField(context: Readonly<Record<string, unknown>>, name: string): unknown {
  try {
    return context[name];
  } catch {
    return undefined;
  }
}
