package goffevent // import "offt/collector-components/goffevent"

import (
	"errors"
	"fmt"
	"math"
	"strconv"
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

// CheckCSVTemplate parses csvTemplate (see ParseCSVTemplate) and runs it once on an empty
// event of type t, which catches a field that type does not have (GOFF would fail on every
// event). Tracking events need a template: GOFF's default names feature-event fields.
func CheckCSVTemplate(csvTemplate string, t EventType) error {
	if csvTemplate == "" && t == Tracking {
		return errors.New("csv_template is required with event_type tracking: GOFF's default CSV template names feature-event fields")
	}
	tmpl, err := ParseCSVTemplate(csvTemplate)
	if err != nil {
		return err
	}
	var event exporter.ExportableEvent = exporter.FeatureEvent{}
	if t == Tracking {
		event = exporter.TrackingEvent{}
	}
	if _, err := event.FormatInCSV(tmpl); err != nil {
		return fmt.Errorf("csv_template does not fit a %s event: %w", t, err)
	}
	return nil
}

// ForEachEvent maps every record of ld whose event name is t.EventName() to GOFF's event and
// calls fn with it, in order. Records of other events are skipped and counted.
func ForEachEvent(ld plog.Logs, t EventType, source string, fn func(exporter.ExportableEvent)) (skipped int) {
	return forEachRecord(ld, t, source, func(_ Record, e exporter.ExportableEvent) { fn(e) })
}

// forEachRecord is ForEachEvent that also hands fn the record the event was made from.
func forEachRecord(ld plog.Logs, t EventType, source string, fn func(Record, exporter.ExportableEvent)) (skipped int) {
	name := t.EventName()
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				if lr.EventName() != name {
					skipped++
					continue
				}
				r := Record{Resource: rl, Scope: sl, Log: lr}
				if t == Tracking {
					fn(r, NewTrackingEvent(lr))
				} else {
					fn(r, NewFeatureEvent(lr, source))
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

// AppendDefaultCSV appends the line GOFF's exporter.DefaultCsvTemplate gives for a feature
// event, without running text/template (about 10x faster, see the goff_encoding benchmarks):
//
//	{{ .Kind}};{{ .ContextKind}};{{ .UserKey}};{{ .CreationDate}};{{ .Key}};{{ .Variation}};{{ .Value}};{{ .Default}};{{ .Source}}\n
//
// text/template prints each field with fmt's %v and a nil interface as "<no value>"; so does
// this. The goff_encoding tests compare it byte for byte with GOFF's FormatInCSV.
func AppendDefaultCSV(buf []byte, e exporter.FeatureEvent) []byte {
	buf = append(buf, e.Kind...)
	buf = append(buf, ';')
	buf = append(buf, e.ContextKind...)
	buf = append(buf, ';')
	buf = append(buf, e.UserKey...)
	buf = append(buf, ';')
	buf = strconv.AppendInt(buf, e.CreationDate, 10)
	buf = append(buf, ';')
	buf = append(buf, e.Key...)
	buf = append(buf, ';')
	buf = append(buf, e.Variation...)
	buf = append(buf, ';')
	switch v := e.Value.(type) {
	case nil:
		buf = append(buf, "<no value>"...)
	case string:
		buf = append(buf, v...)
	case bool:
		buf = strconv.AppendBool(buf, v)
	case float64:
		buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
	default:
		buf = fmt.Append(buf, v)
	}
	buf = append(buf, ';')
	buf = strconv.AppendBool(buf, e.Default)
	buf = append(buf, ';')
	buf = append(buf, e.Source...)
	return append(buf, '\n')
}

// ForGOFFFile readies events for GOFF's fileexporter, which fails a whole file on one event it
// cannot write, so that no event costs its neighbours: an event with a NaN or infinite number
// (encoding/json refuses them) is left out and counted; with parquet, a feature event without
// a value gets a typed nil, which GOFF's ConvertValueForParquet (it refuses a nil value) writes
// as the JSON text "null". events is filtered in place; kept is what GOFF can write, in order.
func ForGOFFFile(events []exporter.ExportableEvent, parquet bool) (kept []exporter.ExportableEvent, dropped int) {
	kept = events[:0]
	for _, event := range events {
		if !finite(event) {
			dropped++
			continue
		}
		if fe, ok := event.(exporter.FeatureEvent); ok && parquet && fe.Value == nil {
			fe.Value = noValue
			event = fe
		}
		kept = append(kept, event)
	}
	return kept, dropped
}

// noValue is a typed nil: not == nil for GOFF's check, JSON "null" for its conversion.
var noValue = (*struct{})(nil)

// finite reports whether every number in the event is finite (encoding/json refuses NaN and ±Inf).
func finite(event exporter.ExportableEvent) bool {
	switch e := event.(type) {
	case exporter.FeatureEvent:
		return finiteValue(e.Value) && finiteValue(e.Metadata)
	case exporter.TrackingEvent:
		return finiteValue(e.EvaluationContext) && finiteValue(e.TrackingDetails)
	}
	return true
}

func finiteValue(v any) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case map[string]any:
		for _, e := range x {
			if !finiteValue(e) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !finiteValue(e) {
				return false
			}
		}
	}
	return true
}
