package goffevent // import "offt/collector-components/goffevent"

import (
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Record is one log record with the resource and scope it came with, kept by the exporters
// that hand GOFF's exporter part of a batch at a time, so that they can give back exactly the
// records that were not sent (see LogsOf).
type Record struct {
	Resource plog.ResourceLogs
	Scope    plog.ScopeLogs
	Log      plog.LogRecord
}

// Collect returns, in order, the records of ld whose event name is t.EventName() and their
// GOFF events: events[i] is the event of records[i]. Records of other events are skipped and
// counted.
func Collect(ld plog.Logs, t EventType, source string) (records []Record, events []exporter.ExportableEvent, skipped int) {
	records = make([]Record, 0, ld.LogRecordCount())
	events = make([]exporter.ExportableEvent, 0, ld.LogRecordCount())
	skipped = forEachRecord(ld, t, source, func(r Record, e exporter.ExportableEvent) {
		records = append(records, r)
		events = append(events, e)
	})
	return records, events, skipped
}

// LogsOf copies records, each with its resource and scope, into new logs: the data
// consumererror.NewLogs takes so that the exporterhelper retries only those records.
func LogsOf(records []Record) plog.Logs {
	out := plog.NewLogs()
	for _, r := range records {
		rl := out.ResourceLogs().AppendEmpty()
		r.Resource.Resource().CopyTo(rl.Resource())
		sl := rl.ScopeLogs().AppendEmpty()
		r.Scope.Scope().CopyTo(sl.Scope())
		r.Log.CopyTo(sl.LogRecords().AppendEmpty())
	}
	return out
}
