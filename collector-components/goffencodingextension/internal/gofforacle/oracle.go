// Package gofforacle computes what GO Feature Flag itself writes for a corpus of flag
// evaluations and track calls, with GOFF's own code only: the corpus is decoded with
// encoding/json (numbers become float64, as in GOFF's relay, which receives provider events
// as JSON), contexts are GOFF's ffcontext, feature events come from GOFF's
// exporter.NewFeatureEvent, and lines from GOFF's FormatInJSON / FormatInCSV. It shares no
// code with the goff_encoding extension or the goffevent mapping it checks.
package gofforacle // import "offt/collector-components/goffencodingextension/internal/gofforacle"

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/template"

	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/thomaspoignant/go-feature-flag/ffcontext"
)

// Corpus is what the application did: the calls, as a GOFF provider would have sent them.
type Corpus struct {
	Evaluations []Evaluation `json:"evaluations"`
	Tracks      []Track      `json:"tracks"`
}

// Evaluation is one flag evaluation as the application saw it.
type Evaluation struct {
	FlagKey string         `json:"flagKey"`
	Context map[string]any `json:"context"`
	// Exported lists the context attributes the library exports (contextAttributes).
	Exported []string `json:"exported"`
	// Value is what the application got back; absent when the library was told not to
	// export it (includeValue), then GOFF's value is null.
	Value   json.RawMessage `json:"value,omitempty"`
	Variant string          `json:"variant,omitempty"`
	Error   bool            `json:"error"`
	Version string          `json:"version,omitempty"`
	// Metadata is the flag metadata (exported with includeFlagMetadata).
	Metadata     map[string]any `json:"metadata,omitempty"`
	CreationDate int64          `json:"creationDate"`
}

// Track is one client.track() call.
type Track struct {
	Name         string         `json:"name"`
	Context      map[string]any `json:"context"`
	Exported     []string       `json:"exported"`
	Details      map[string]any `json:"details,omitempty"`
	CreationDate int64          `json:"creationDate"`
}

// ReadCorpus decodes a corpus file with encoding/json (numbers as float64).
func ReadCorpus(path string) (Corpus, error) {
	var c Corpus
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal(b, &c)
}

// goffContext is GOFF's evaluation context of a call, limited to what the library exports:
// the targeting key and the allow-listed attributes (the library's documented context
// allow-list, `contextAttributes`; everything else never leaves the process).
func goffContext(context map[string]any, exported []string) ffcontext.EvaluationContext {
	key, _ := context["targetingKey"].(string)
	ctx := ffcontext.NewEvaluationContext(key)
	for _, name := range exported {
		if v, ok := context[name]; ok && name != "targetingKey" {
			ctx.AddCustomAttribute(name, v)
		}
	}
	return ctx
}

// FeatureEvent is GOFF's feature event for an evaluation: GOFF's providers send
// `variant || 'SdkDefault'`, the default value and default=true on error; the relay
// writes source SERVER.
func FeatureEvent(e Evaluation) (exporter.FeatureEvent, error) {
	var value any
	if len(e.Value) > 0 {
		if err := json.Unmarshal(e.Value, &value); err != nil {
			return exporter.FeatureEvent{}, err
		}
	}
	variation := e.Variant
	if e.Error || variation == "" {
		variation = "SdkDefault"
	}
	var metadata exporter.FeatureEventMetadata
	if len(e.Metadata) > 0 {
		metadata = e.Metadata
	}
	event := exporter.NewFeatureEvent(goffContext(e.Context, e.Exported), e.FlagKey, value, variation, e.Error, e.Version, "SERVER", metadata)
	event.CreationDate = e.CreationDate
	return event, nil
}

// TrackingEvent is GOFF's tracking event for a track call: evaluationContext is the
// context's map (attributes plus targetingKey), trackingEventDetails the details ({} when none).
func TrackingEvent(t Track) exporter.TrackingEvent {
	ctx := goffContext(t.Context, t.Exported)
	contextKind := "user"
	if ctx.IsAnonymous() {
		contextKind = "anonymousUser"
	}
	details := t.Details
	if details == nil {
		details = map[string]any{}
	}
	return exporter.TrackingEvent{
		Kind:              "tracking",
		ContextKind:       contextKind,
		UserKey:           ctx.GetKey(),
		CreationDate:      t.CreationDate,
		Key:               t.Name,
		EvaluationContext: ctx.ToMap(),
		TrackingDetails:   details,
	}
}

// FeatureLines is GOFF's file content for the evaluations, one line each (format json or csv).
func FeatureLines(c Corpus, format string, csvTemplate string) ([]string, error) {
	tmpl := exporter.ParseTemplate("csvFormat", csvTemplate, exporter.DefaultCsvTemplate)
	var buf bytes.Buffer
	for _, e := range c.Evaluations {
		event, err := FeatureEvent(e)
		if err != nil {
			return nil, err
		}
		var line []byte
		if format == "csv" {
			line, err = event.FormatInCSV(tmpl)
		} else {
			line, err = event.FormatInJSON()
		}
		if err != nil {
			return nil, err
		}
		buf.Write(line)
	}
	return SplitLines(buf.Bytes()), nil
}

// TrackingLines is GOFF's JSON file content for the track calls.
func TrackingLines(c Corpus) ([]string, error) {
	var buf bytes.Buffer
	for _, t := range c.Tracks {
		line, err := TrackingEvent(t).FormatInJSON()
		if err != nil {
			return nil, err
		}
		buf.Write(line)
	}
	return SplitLines(buf.Bytes()), nil
}

// SplitLines splits file content into its lines, without the final empty one.
func SplitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Diff compares two multisets of lines (order does not matter: the collector may reorder
// batches). It returns how many lines are identical and the lines only one side has.
func Diff(expected, actual []string) (identical int, missing, unexpected []string) {
	count := map[string]int{}
	for _, l := range actual {
		count[l]++
	}
	for _, l := range expected {
		if count[l] > 0 {
			count[l]--
			identical++
		} else {
			missing = append(missing, l)
		}
	}
	for _, l := range actual {
		if count[l] > 0 {
			count[l]--
			unexpected = append(unexpected, l)
		}
	}
	sort.Strings(missing)
	sort.Strings(unexpected)
	return identical, missing, unexpected
}

// Report is Diff as text, for a failing test or the oracle command.
func Report(name string, expected, actual []string) (string, bool) {
	identical, missing, unexpected := Diff(expected, actual)
	ok := len(missing) == 0 && len(unexpected) == 0 && len(expected) == len(actual)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d GOFF lines identical (collector wrote %d)\n", name, identical, len(expected), len(actual))
	for i, l := range missing {
		if i == 10 {
			fmt.Fprintf(&b, "  ... %d more missing\n", len(missing)-i)
			break
		}
		fmt.Fprintf(&b, "  GOFF wrote:      %q\n", l)
	}
	for i, l := range unexpected {
		if i == 10 {
			fmt.Fprintf(&b, "  ... %d more unexpected\n", len(unexpected)-i)
			break
		}
		fmt.Fprintf(&b, "  collector wrote: %q\n", l)
	}
	return b.String(), ok
}

// MustTemplate parses a CSV template as GOFF does (falling back to its default).
func MustTemplate(csvTemplate string) *template.Template {
	return exporter.ParseTemplate("csvFormat", csvTemplate, exporter.DefaultCsvTemplate)
}
