package goffevent

import (
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

func record(ld plog.Logs, event string) plog.LogRecord {
	lr := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetEventName(event)
	return lr
}

func TestFeatureEventFieldsFollowTheWireContract(t *testing.T) {
	lr := record(plog.NewLogs(), EventEvaluation)
	lr.SetObservedTimestamp(pcommon.Timestamp(1795300000_999999999))
	lr.Attributes().PutInt(AttrContextID, 42)
	lr.Attributes().PutStr(AttrFlagKey, "f")
	lr.Attributes().PutStr(AttrVariant, "")
	lr.Attributes().PutEmptyBytes(AttrValue).FromRaw([]byte{1, 2, 3})
	lr.Attributes().PutEmptyMap(AttrFlagMetadata)
	ctx := lr.Attributes().PutEmptyMap(AttrContext)
	ctx.PutBool("anonymous", true)

	e := NewFeatureEvent(lr, "")
	require.Equal(t, "anonymousUser", e.ContextKind)
	require.Equal(t, "42", e.UserKey, "a non-string subject is written as its text")
	require.Equal(t, int64(1795300000), e.CreationDate, "observed time when the record has no time")
	require.Equal(t, "SdkDefault", e.Variation, "an empty variant is GOFF's SdkDefault")
	require.Equal(t, []byte{1, 2, 3}, e.Value)
	require.Nil(t, e.Metadata, "empty metadata is left out (omitempty)")
	require.Equal(t, "SERVER", e.Source)
	require.False(t, e.Default)

	lr.SetTimestamp(pcommon.Timestamp(1795300001_000000000))
	lr.Attributes().PutStr(AttrVariant, "on")
	lr.Attributes().PutStr(AttrErrorType, "general")
	ctx.PutStr("anonymous", "true")
	e = NewFeatureEvent(lr, "PROVIDER_CACHE")
	require.Equal(t, "user", e.ContextKind, "only the boolean true is anonymous, as in GOFF's ffcontext")
	require.Equal(t, int64(1795300001), e.CreationDate)
	require.Equal(t, "SdkDefault", e.Variation, "a failed evaluation served the SDK default")
	require.True(t, e.Default)
	require.Equal(t, "PROVIDER_CACHE", e.Source)
}

func TestNumbersBecomeFloat64AsInGOFFsRelay(t *testing.T) {
	v := pcommon.NewValueMap()
	v.Map().PutInt("i", 1000000)
	v.Map().PutEmptySlice("s").AppendEmpty().SetInt(7)
	require.Equal(t, map[string]any{"i": float64(1000000), "s": []any{float64(7)}}, Value(v))
	require.Nil(t, Value(pcommon.NewValueEmpty()))
}

func TestTrackingEventGetsTargetingKeyAndValue(t *testing.T) {
	lr := record(plog.NewLogs(), EventTracking)
	lr.Attributes().PutStr(AttrContextID, "u")
	lr.Attributes().PutStr(AttrTrackingName, "bought")
	lr.Attributes().PutDouble(AttrTrackingValue, 9.5)
	lr.Attributes().PutEmptyMap(AttrContext).PutStr("plan", "pro")
	e := NewTrackingEvent(lr)
	require.Equal(t, map[string]any{"plan": "pro", "targetingKey": "u"}, e.EvaluationContext)
	require.Equal(t, map[string]any{"value": 9.5}, e.TrackingDetails)
	require.Equal(t, "bought", e.Key)
	require.Equal(t, "user", e.ContextKind)

	empty := NewTrackingEvent(record(plog.NewLogs(), EventTracking))
	require.Equal(t, map[string]any{}, empty.TrackingDetails, "{} like the OpenFeature SDKs, never null")
	require.Equal(t, map[string]any{"targetingKey": ""}, empty.EvaluationContext)
}

func TestEventsSkipsRecordsOfTheOtherEvent(t *testing.T) {
	ld := plog.NewLogs()
	sl := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	sl.AppendEmpty().SetEventName(EventEvaluation)
	sl.AppendEmpty().SetEventName(EventTracking)
	sl.AppendEmpty().SetEventName("app.started")
	events, skipped := Events(ld, Tracking, "")
	require.Len(t, events, 1)
	require.Equal(t, 2, skipped)
	events, skipped = Events(ld, Feature, "")
	require.Len(t, events, 1)
	require.Equal(t, 2, skipped)
}
