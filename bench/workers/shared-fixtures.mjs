/**
 * Flags, contexts and track details shared by our worker and the reference worker, so both sides
 * evaluate exactly the same thing. No package imports.
 */

/** One boolean flag with a targeting rule: TARGETING_MATCH, variant "on"/"off". */
export const FLAGS = {
  'new-checkout': {
    variants: { on: true, off: false },
    defaultVariant: 'off',
    disabled: false,
    contextEvaluator: (ctx) => (ctx.targetingKey === 'user-42' ? 'on' : 'off'),
  },
};
export const FLAG_KEY = 'new-checkout';

/** The evaluation context of every evaluation (no `anonymous`, so the default hook exports no context map). */
export const CONTEXT = Object.freeze({ targetingKey: 'user-42', country: 'NL', plan: 'pro' });

/** Flag metadata returned by the "meta" provider variant (full-options scenario). */
export const FLAG_METADATA = Object.freeze({ version: '7', flagSetId: 'checkout', owner: 'team-growth', rollout: 25 });

/** Makes an InMemoryProvider subclass whose resolutions carry FLAG_METADATA (InMemoryProvider returns none). */
export function withFlagMetadata(InMemoryProvider) {
  return class MetaInMemoryProvider extends InMemoryProvider {
    lookupFlagValue(...args) {
      const result = super.lookupFlagValue(...args);
      result.flagMetadata = FLAG_METADATA;
      return result;
    }
  };
}

/** A provider with a no-op track(), so the SDK does its full track() work in the baseline too. */
export function withNoopTrack(InMemoryProvider) {
  return class TrackingInMemoryProvider extends InMemoryProvider {
    track() {}
  };
}

export const TRACK_EVENT = 'checkout-completed';

/** Nested tracking details (scenario 2). */
export const TRACK_DETAILS = Object.freeze({
  value: 99.77,
  currencyCode: 'USD',
  cart: {
    items: [
      { sku: 'A-100', qty: 2, price: 10.5 },
      { sku: 'B-777', qty: 1, price: 78.77 },
    ],
    coupon: null,
  },
  source: { page: '/checkout', experiment: { id: 'exp-17', arm: 'b' } },
});

/**
 * The floor: a minimal hand-written hook, one SDK emit of the attributes our default hook writes,
 * including a record id. A hand-written hook would take `crypto.randomUUID()` (Node, browsers in a
 * secure context), so the floor does.
 */
export class FloorHook {
  constructor(logger) {
    this.logger = logger;
  }
  finally(hookContext, details) {
    this.logger.emit({
      eventName: 'feature_flag.evaluation',
      severityNumber: 9,
      severityText: 'INFO',
      attributes: {
        'feature_flag.key': hookContext.flagKey,
        'feature_flag.result.variant': details.variant,
        'feature_flag.result.reason': details.reason.toLowerCase(),
        'feature_flag.provider.name': hookContext.providerMetadata.name,
        'feature_flag.context.id': hookContext.context.targetingKey,
        'log.record.uid': crypto.randomUUID(),
      },
    });
  }
}

/** A hook that does nothing: the cost of one hook dispatch. */
export class EmptyHook {
  finally() {}
}

/**
 * The track() floor: a provider whose track() emits the attributes withTracking writes (name, value,
 * the other details as a map, subject id, provider name, record id from `crypto.randomUUID()`) with
 * one SDK emit and no normalisation.
 */
export function withFloorTrack(InMemoryProvider) {
  return class FloorTrackProvider extends InMemoryProvider {
    constructor(flags, logger) {
      super(flags);
      this.logger = logger;
    }
    track(name, context, details) {
      const { value, ...rest } = details;
      this.logger.emit({
        eventName: 'openfeature.tracking',
        severityNumber: 9,
        severityText: 'INFO',
        attributes: {
          'openfeature.tracking.name': name,
          'openfeature.tracking.value': value,
          'openfeature.tracking.details': rest,
          'feature_flag.context.id': context.targetingKey,
          'feature_flag.provider.name': this.metadata.name,
          'log.record.uid': crypto.randomUUID(),
        },
      });
    }
  };
}
