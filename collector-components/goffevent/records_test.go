package goffevent

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
)

// twoResources returns logs with one resource (service.name = service) and scope
// ("scope-"+service) per service "a" and "b", each holding one evaluation per user (context
// id service+"-"+user) and then, when withTracking, one tracking record.
func twoResources(withTracking bool, users ...string) plog.Logs {
	ld := plog.NewLogs()
	for _, service := range []string{"a", "b"} {
		rl := ld.ResourceLogs().AppendEmpty()
		rl.Resource().Attributes().PutStr("service.name", service)
		sl := rl.ScopeLogs().AppendEmpty()
		sl.Scope().SetName("scope-" + service)
		for _, user := range users {
			lr := sl.LogRecords().AppendEmpty()
			lr.SetEventName(EventEvaluation)
			lr.Attributes().PutStr(AttrContextID, service+"-"+user)
		}
		if withTracking {
			sl.LogRecords().AppendEmpty().SetEventName(EventTracking)
		}
	}
	return ld
}

func TestCollectPairsEachEventWithItsRecordInOrder(t *testing.T) {
	ld := twoResources(true, "u1", "u2")
	records, events, skipped := Collect(ld, Feature, "PROVIDER_CACHE")
	require.Equal(t, 2, skipped, "the tracking records are another exporter's")
	require.Len(t, records, 4)
	require.Len(t, events, 4)
	for i, want := range []string{"a-u1", "a-u2", "b-u1", "b-u2"} {
		require.Equal(t, want, events[i].GetUserKey())
		require.Equal(t, "PROVIDER_CACHE", events[i].(exporter.FeatureEvent).Source)
		user, _ := records[i].Log.Attributes().Get(AttrContextID)
		require.Equal(t, want, user.Str(), "events[i] is the event of records[i]")
	}

	tracking, events, skipped := Collect(ld, Tracking, "")
	require.Equal(t, 4, skipped)
	require.Len(t, tracking, 2)
	require.IsType(t, exporter.TrackingEvent{}, events[0])
}

func TestLogsOfKeepsEachRecordsResourceAndScope(t *testing.T) {
	records, _, _ := Collect(twoResources(false, "u"), Feature, "")
	out := LogsOf(records[1:])
	require.Equal(t, 1, out.LogRecordCount(), "only the records given")
	rl := out.ResourceLogs().At(0)
	service, _ := rl.Resource().Attributes().Get("service.name")
	require.Equal(t, "b", service.Str())
	require.Equal(t, "scope-b", rl.ScopeLogs().At(0).Scope().Name())
	user, _ := rl.ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(AttrContextID)
	require.Equal(t, "b-u", user.Str())

	rl.ScopeLogs().At(0).LogRecords().At(0).Attributes().PutStr(AttrContextID, "changed")
	user, _ = records[1].Log.Attributes().Get(AttrContextID)
	require.Equal(t, "b-u", user.Str(), "a copy: the retry data does not share the batch's records")
}

func TestValidateEventTypeAcceptsOnlyGOFFsEventTypes(t *testing.T) {
	require.NoError(t, ValidateEventType("feature"))
	require.NoError(t, ValidateEventType("tracking"))
	require.ErrorContains(t, ValidateEventType("features"), `event_type "features": must be "feature" or "tracking"`)
	require.Error(t, ValidateEventType(""))
}
