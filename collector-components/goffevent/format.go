package goffevent // import "offt/collector-components/goffevent"

import (
	"fmt"
	"text/template"

	"github.com/thomaspoignant/go-feature-flag/exporter"
	"go.opentelemetry.io/collector/pdata/plog"
)

// Formats GOFF's exporters write line by line (parquet is a whole file, see the encoding).
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// ParseCSVTemplate parses a GOFF csvTemplate, GOFF's exporter.DefaultCsvTemplate when empty.
// Unlike GOFF (which silently falls back to the default), a template that does not parse is
// an error, so that a typo is reported when the collector starts.
func ParseCSVTemplate(csvTemplate string) (*template.Template, error) {
	if csvTemplate == "" {
		csvTemplate = exporter.DefaultCsvTemplate
	}
	t, err := template.New("csvFormat").Parse(csvTemplate)
	if err != nil {
		return nil, fmt.Errorf("csv_template: %w", err)
	}
	return t, nil
}

// ForEachEvent maps every record of ld whose event name is t.EventName() to GOFF's event and
// calls fn with it, in order. Records of other events are skipped and counted.
func ForEachEvent(ld plog.Logs, t EventType, source string, fn func(exporter.ExportableEvent)) (skipped int) {
	name := t.EventName()
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				if lr.EventName() != name {
					skipped++
					continue
				}
				if t == Tracking {
					fn(NewTrackingEvent(lr))
				} else {
					fn(NewFeatureEvent(lr, source))
				}
			}
		}
	}
	return skipped
}

// Events is ForEachEvent collected into a slice.
func Events(ld plog.Logs, t EventType, source string) (events []exporter.ExportableEvent, skipped int) {
	events = make([]exporter.ExportableEvent, 0, ld.LogRecordCount())
	skipped = ForEachEvent(ld, t, source, func(e exporter.ExportableEvent) { events = append(events, e) })
	return events, skipped
}

// FormatEvent writes one event as GOFF's fileexporter does: FormatInJSON (json.Marshal plus
// "\n") or FormatInCSV with the template (GOFF's default template ends with "\n").
func FormatEvent(event exporter.ExportableEvent, format string, csvTemplate *template.Template) ([]byte, error) {
	if format == FormatCSV {
		return event.FormatInCSV(csvTemplate)
	}
	return event.FormatInJSON()
}
