package goffevent

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"
)

func TestAppendDefaultCSVIsGOFFsDefaultTemplateByteForByte(t *testing.T) {
	tmpl, err := ParseCSVTemplate("")
	require.NoError(t, err)
	values := []any{
		nil, "", "a;b<&>\b\f\u2028é🙂", true, false, float64(0), float64(1000000), 12345678.0, 1e21, 1e-7, -42.5,
		math.MaxFloat64, math.SmallestNonzeroFloat64, []byte{1, 2, 3},
		map[string]any{"b": 1e6, "a": "x y", "n": nil, "m": map[string]any{"\f": []any{1e-8, true}}},
		[]any{1.0, "two", []any{3.25e-7}, map[string]any{"x": true}, nil},
		map[string]any{}, []any{},
	}
	for _, v := range values {
		for _, anonymous := range []bool{false, true} {
			e := exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: "u;1", CreationDate: 1795300000, Key: "k", Variation: "SdkDefault", Value: v, Default: anonymous, Source: "SERVER"}
			if anonymous {
				e.ContextKind = "anonymousUser"
			}
			want, err := e.FormatInCSV(tmpl)
			require.NoError(t, err)
			require.Equal(t, string(want), string(AppendDefaultCSV(nil, e)), "%#v", v)
		}
	}
}

func TestCheckCSVTemplateRefusesWhatGOFFWouldFailOnForTheEventType(t *testing.T) {
	require.NoError(t, CheckCSVTemplate("", Feature))
	require.NoError(t, CheckCSVTemplate("{{ .Key}};{{ .EvaluationContext}}\n", Tracking))
	require.ErrorContains(t, CheckCSVTemplate("", Tracking), "csv_template is required with event_type tracking")
	require.ErrorContains(t, CheckCSVTemplate("{{ .Kind", Feature), "csv_template:")
	require.ErrorContains(t, CheckCSVTemplate("{{ .NoSuchField}}", Feature), "does not fit a feature event")
	require.ErrorContains(t, CheckCSVTemplate("{{ .Variation}}", Tracking), "does not fit a tracking event")
}

func TestForGOFFFileLeavesOutOnlyWhatGOFFCannotWrite(t *testing.T) {
	events := []exporter.ExportableEvent{
		exporter.FeatureEvent{Key: "a", Value: 1.0},
		exporter.FeatureEvent{Key: "nan", Value: math.NaN()},
		exporter.FeatureEvent{Key: "inf-in-metadata", Value: true, Metadata: map[string]any{"x": []any{math.Inf(-1)}}},
		exporter.TrackingEvent{Key: "inf-in-details", TrackingDetails: map[string]any{"value": math.Inf(1)}},
		exporter.FeatureEvent{Key: "no-value"},
		exporter.TrackingEvent{Key: "t", TrackingDetails: map[string]any{"value": 2.0}},
	}
	kept, dropped := ForGOFFFile(append([]exporter.ExportableEvent(nil), events...), false)
	require.Equal(t, 3, dropped)
	require.Equal(t, []exporter.ExportableEvent{events[0], events[4], events[5]}, kept)

	kept, dropped = ForGOFFFile(append([]exporter.ExportableEvent(nil), events...), true)
	require.Equal(t, 3, dropped)
	require.Len(t, kept, 3)
	v, err := kept[1].(exporter.FeatureEvent).ConvertValueForParquet()
	require.NoError(t, err, "GOFF's parquet conversion takes the event without a value")
	require.Equal(t, "null", v)
}
