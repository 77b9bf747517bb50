// Package goffeventtest builds the log records that the GOFF exporters' tests feed them, as
// openfeature-otel-tracking writes them.
package goffeventtest // import "offt/collector-components/goffevent/goffeventtest"

import (
	"fmt"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"offt/collector-components/goffevent"
)

// FirstSecond is the time, in Unix seconds, of the first record Evaluations writes.
const FirstSecond = 1_700_000_000

// Evaluations returns logs with, in one resource and scope, one feature_flag.evaluation record
// per user (the i-th at FirstSecond+i seconds: flag "new-checkout", variant "on", the given
// value, which must be a type pcommon.Value.FromRaw takes), followed by one
// openfeature.tracking record with no attributes, which an exporter of feature events must
// leave out.
func Evaluations(value any, users ...string) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i, user := range users {
		lr := lrs.AppendEmpty()
		lr.SetEventName(goffevent.EventEvaluation)
		lr.SetTimestamp(pcommon.Timestamp(uint64(FirstSecond+i) * 1e9))
		lr.Attributes().PutStr(goffevent.AttrFlagKey, "new-checkout")
		lr.Attributes().PutStr(goffevent.AttrContextID, user)
		lr.Attributes().PutStr(goffevent.AttrVariant, "on")
		if err := lr.Attributes().PutEmpty(goffevent.AttrValue).FromRaw(value); err != nil {
			panic(fmt.Sprintf("goffeventtest.Evaluations: value %#v: %v", value, err))
		}
	}
	lrs.AppendEmpty().SetEventName(goffevent.EventTracking)
	return ld
}

// Users returns n user ids: "user-0", "user-1", ...
func Users(n int) []string {
	users := make([]string, n)
	for i := range users {
		users[i] = fmt.Sprintf("user-%d", i)
	}
	return users
}
