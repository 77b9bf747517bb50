package goffevent // import "offt/collector-components/goffevent"

import (
	"fmt"

	"github.com/thomaspoignant/go-feature-flag/exporter"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// The wire contract of openfeature-otel-tracking (mirrors src/semconv.ts).
const (
	EventEvaluation = "feature_flag.evaluation"
	EventTracking   = "openfeature.tracking"

	AttrFlagKey         = "feature_flag.key"
	AttrVariant         = "feature_flag.result.variant"
	AttrValue           = "feature_flag.result.value"
	AttrContextID       = "feature_flag.context.id"
	AttrVersion         = "feature_flag.version"
	AttrErrorType       = "error.type"
	AttrContext         = "openfeature.context"
	AttrFlagMetadata    = "openfeature.flag.metadata"
	AttrTrackingName    = "openfeature.tracking.name"
	AttrTrackingValue   = "openfeature.tracking.value"
	AttrTrackingDetails = "openfeature.tracking.details"
)

const (
	// DefaultSource is GOFF's `source` for events evaluated by the relay proxy ("SERVER");
	// GOFF's providers write "PROVIDER_CACHE" for evaluations served from their cache.
	DefaultSource = "SERVER"
	// SdkDefault is GOFF's variation when the SDK served the default value (an error, or no
	// variant: GOFF's providers write `variant || 'SdkDefault'`).
	SdkDefault = "SdkDefault"
)

// EventType is GOFF's exporter `eventType`: which kind of event an exporter handles.
type EventType string

const (
	Feature  EventType = "feature"
	Tracking EventType = "tracking"
)

// EventName is the log record event name that carries events of this type.
func (t EventType) EventName() string {
	if t == Tracking {
		return EventTracking
	}
	return EventEvaluation
}

// ValidateEventType reports an exporter's event_type that is not one of GOFF's eventTypes
// ("feature" or "tracking").
func ValidateEventType(eventType string) error {
	switch EventType(eventType) {
	case Feature, Tracking:
		return nil
	}
	return fmt.Errorf("event_type %q: must be %q or %q (GOFF's eventType)", eventType, Feature, Tracking)
}

// NewFeatureEvent maps one `feature_flag.evaluation` record to GOFF's FeatureEvent:
//   - contextKind "anonymousUser" when openfeature.context.anonymous is the boolean true, else "user";
//   - userKey = feature_flag.context.id (its text when not a string), "" when absent;
//   - creationDate = record time in Unix seconds, the observed time when the record has none;
//   - key = feature_flag.key;
//   - variation = feature_flag.result.variant, "SdkDefault" when the evaluation failed
//     (error.type set) or the variant is absent or empty;
//   - value = feature_flag.result.value as GOFF's relay holds it (see Value), nil when absent;
//   - default = the evaluation failed (error.type set): the app got its default value;
//   - version = feature_flag.version, "" when absent (GOFF writes "version":"");
//   - source = the given source (DefaultSource when empty);
//   - metadata = openfeature.flag.metadata when it is a non-empty map.
func NewFeatureEvent(lr plog.LogRecord, source string) exporter.FeatureEvent {
	attrs := lr.Attributes()
	if source == "" {
		source = DefaultSource
	}
	_, failed := attrs.Get(AttrErrorType)
	variation := text(attrs, AttrVariant)
	if failed || variation == "" {
		variation = SdkDefault
	}
	event := exporter.FeatureEvent{
		Kind:         "feature",
		ContextKind:  ContextKind(attrs),
		UserKey:      text(attrs, AttrContextID),
		CreationDate: CreationDate(lr),
		Key:          text(attrs, AttrFlagKey),
		Variation:    variation,
		Default:      failed,
		Version:      text(attrs, AttrVersion),
		Source:       source,
	}
	if v, ok := attrs.Get(AttrValue); ok {
		event.Value = Value(v)
	}
	if m, ok := attrs.Get(AttrFlagMetadata); ok && m.Type() == pcommon.ValueTypeMap && m.Map().Len() > 0 {
		event.Metadata = mapValue(m.Map())
	}
	return event
}

// NewTrackingEvent maps one `openfeature.tracking` record to GOFF's TrackingEvent:
// contextKind, userKey and creationDate as in NewFeatureEvent; key = openfeature.tracking.name;
// evaluationContext = the exported context attributes (openfeature.context) plus targetingKey
// (= userKey); trackingEventDetails = openfeature.tracking.details plus `value` from
// openfeature.tracking.value, {} when there are none (the OpenFeature SDKs pass {}).
func NewTrackingEvent(lr plog.LogRecord) exporter.TrackingEvent {
	attrs := lr.Attributes()
	userKey := text(attrs, AttrContextID)
	evaluationContext := map[string]any{}
	if c, ok := attrs.Get(AttrContext); ok && c.Type() == pcommon.ValueTypeMap {
		evaluationContext = mapValue(c.Map())
	}
	evaluationContext["targetingKey"] = userKey
	details := map[string]any{}
	if d, ok := attrs.Get(AttrTrackingDetails); ok && d.Type() == pcommon.ValueTypeMap {
		details = mapValue(d.Map())
	}
	if v, ok := attrs.Get(AttrTrackingValue); ok {
		details["value"] = Value(v)
	}
	return exporter.TrackingEvent{
		Kind:              "tracking",
		ContextKind:       ContextKind(attrs),
		UserKey:           userKey,
		CreationDate:      CreationDate(lr),
		Key:               text(attrs, AttrTrackingName),
		EvaluationContext: evaluationContext,
		TrackingDetails:   details,
	}
}

// ContextKind is "anonymousUser" when openfeature.context.anonymous is the boolean true
// (GOFF's ffcontext.IsAnonymous), else "user".
func ContextKind(attrs pcommon.Map) string {
	if c, ok := attrs.Get(AttrContext); ok && c.Type() == pcommon.ValueTypeMap {
		if a, ok := c.Map().Get("anonymous"); ok && a.Type() == pcommon.ValueTypeBool && a.Bool() {
			return "anonymousUser"
		}
	}
	return "user"
}

// CreationDate is the record time in Unix seconds, or the observed time when the record has
// no time (GOFF's creationDate is the time of the evaluation, in seconds).
func CreationDate(lr plog.LogRecord) int64 {
	t := lr.Timestamp()
	if t == 0 {
		t = lr.ObservedTimestamp()
	}
	return int64(uint64(t) / 1_000_000_000)
}

// Value converts an OTLP AnyValue to what GOFF's relay holds after decoding the provider's
// JSON: float64 for every number, map[string]any, []any, string, bool; []byte stays bytes
// (base64 in JSON, as Go encodes []byte); an empty value is nil.
func Value(v pcommon.Value) any {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeBool:
		return v.Bool()
	case pcommon.ValueTypeInt:
		return float64(v.Int())
	case pcommon.ValueTypeDouble:
		return v.Double()
	case pcommon.ValueTypeMap:
		return mapValue(v.Map())
	case pcommon.ValueTypeSlice:
		s := v.Slice()
		out := make([]any, s.Len())
		for i := 0; i < s.Len(); i++ {
			out[i] = Value(s.At(i))
		}
		return out
	case pcommon.ValueTypeBytes:
		return v.Bytes().AsRaw()
	default:
		return nil
	}
}

func mapValue(m pcommon.Map) map[string]any {
	out := make(map[string]any, m.Len())
	for k, v := range m.All() {
		out[k] = Value(v)
	}
	return out
}

// text is a string attribute, or the text of a non-string one ("" when absent), like the
// string fields of GOFF's events (userKey, key, variation, version are Go strings).
func text(attrs pcommon.Map, key string) string {
	v, ok := attrs.Get(key)
	if !ok {
		return ""
	}
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return v.AsString()
}
