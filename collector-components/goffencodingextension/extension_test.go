package goffencodingextension

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/xitongsys/parquet-go-source/buffer"
	"github.com/xitongsys/parquet-go/reader"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"offt/collector-components/goffencodingextension/internal/gofforacle"
	"offt/collector-components/goffencodingextension/internal/metadata"
)

// corpusLogs turns testdata/corpus.json into the log records openfeature-otel-tracking writes
// for those calls (src/evaluation-record.ts, src/tracking-record.ts): integral numbers as
// OTLP ints (as the JS exporter sends them), other numbers as doubles, the allow-listed
// context attributes under openfeature.context. Evaluations and tracks are interleaved in one
// batch, so each mode must also skip the other event.
func corpusLogs(t *testing.T) plog.Logs {
	t.Helper()
	raw, err := os.ReadFile("testdata/corpus.json")
	require.NoError(t, err)
	var corpus struct {
		Evaluations []map[string]any `json:"evaluations"`
		Tracks      []map[string]any `json:"tracks"`
	}
	require.NoError(t, json.Unmarshal(raw, &corpus))
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	common := func(call map[string]any, lr plog.LogRecord) {
		lr.SetTimestamp(pcommon.Timestamp(int64(call["creationDate"].(float64))*1_000_000_000 + 999_999_999))
		ctx := call["context"].(map[string]any)
		if key, ok := ctx["targetingKey"].(string); ok {
			lr.Attributes().PutStr("feature_flag.context.id", key)
		}
		exported := pcommon.NewMap()
		for _, name := range call["exported"].([]any) {
			if v, ok := ctx[name.(string)]; ok {
				putValue(exported.PutEmpty(name.(string)), v)
			}
		}
		if exported.Len() > 0 {
			exported.CopyTo(lr.Attributes().PutEmptyMap("openfeature.context"))
		}
	}
	for i := 0; i < len(corpus.Evaluations) || i < len(corpus.Tracks); i++ {
		if i < len(corpus.Evaluations) {
			call := corpus.Evaluations[i]
			lr := records.AppendEmpty()
			lr.SetEventName("feature_flag.evaluation")
			lr.Attributes().PutStr("feature_flag.key", call["flagKey"].(string))
			if v, ok := call["variant"].(string); ok {
				lr.Attributes().PutStr("feature_flag.result.variant", v)
			}
			if v, ok := call["value"]; ok {
				putValue(lr.Attributes().PutEmpty("feature_flag.result.value"), v)
			}
			if v, ok := call["version"].(string); ok {
				lr.Attributes().PutStr("feature_flag.version", v)
			}
			if m, ok := call["metadata"].(map[string]any); ok && len(m) > 0 {
				putValue(lr.Attributes().PutEmpty("openfeature.flag.metadata"), m)
			}
			if call["error"].(bool) {
				lr.Attributes().PutStr("error.type", "general")
			}
			common(call, lr)
		}
		if i < len(corpus.Tracks) {
			call := corpus.Tracks[i]
			lr := records.AppendEmpty()
			lr.SetEventName("openfeature.tracking")
			lr.Attributes().PutStr("openfeature.tracking.name", call["name"].(string))
			if details, ok := call["details"].(map[string]any); ok {
				rest := map[string]any{}
				for k, v := range details {
					if n, isNum := v.(float64); k == "value" && isNum {
						lr.Attributes().PutDouble("openfeature.tracking.value", n)
					} else {
						rest[k] = v
					}
				}
				if len(rest) > 0 {
					putValue(lr.Attributes().PutEmpty("openfeature.tracking.details"), rest)
				}
			}
			common(call, lr)
		}
	}
	return ld
}

func putValue(dst pcommon.Value, v any) {
	switch x := v.(type) {
	case nil:
	case string:
		dst.SetStr(x)
	case bool:
		dst.SetBool(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			dst.SetInt(int64(x))
		} else {
			dst.SetDouble(x)
		}
	case map[string]any:
		m := dst.SetEmptyMap()
		for k, e := range x {
			putValue(m.PutEmpty(k), e)
		}
	case []any:
		s := dst.SetEmptySlice()
		for _, e := range x {
			putValue(s.AppendEmpty(), e)
		}
	}
}

func newTestExtension(t *testing.T, cfg *Config) *goffExtension {
	t.Helper()
	require.NoError(t, cfg.Validate())
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(metadata.Type), cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, ext.Shutdown(context.Background())) })
	return ext.(*goffExtension)
}

func oracleCorpus(t *testing.T) gofforacle.Corpus {
	t.Helper()
	c, err := gofforacle.ReadCorpus("testdata/corpus.json")
	require.NoError(t, err)
	return c
}

func requireSameLines(t *testing.T, name string, expected []string, got []byte) {
	t.Helper()
	report, ok := gofforacle.Report(name, expected, gofforacle.SplitLines(got))
	require.True(t, ok, report)
	require.Equal(t, strings.Join(expected, "\n"), string(got), "same lines in the same order")
}

func TestFeatureJSONIsByteForByteWhatGOFFWritesOnAHostileCorpus(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
	require.NoError(t, err)
	expected, err := gofforacle.FeatureLines(oracleCorpus(t), "json", "")
	require.NoError(t, err)
	requireSameLines(t, "feature json", expected, out)
	require.NotContains(t, string(out), `\u0008`, "Go 1.22+ writes \\b, not \\u0008")
	require.Contains(t, string(out), `1e-7`)
}

func TestFeatureCSVIsByteForByteWhatGOFFWritesWithItsDefaultTemplate(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Format = "csv"
	out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
	require.NoError(t, err)
	expected, err := gofforacle.FeatureLines(oracleCorpus(t), "csv", "")
	require.NoError(t, err)
	requireSameLines(t, "feature csv", expected, out)
	require.Contains(t, string(out), ";1e+06;", "GOFF's relay holds numbers as float64, which %v prints 1e+06")
	require.Contains(t, string(out), ";map[a:x y b:1e+06];")
}

func TestFeatureCSVWithACustomTemplate(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Format = "csv"
	cfg.CSVTemplate = "{{ .Key}},{{ .FormattedDate}},{{ .Variation}},{{ .Version}}\n"
	out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
	require.NoError(t, err)
	expected, err := gofforacle.FeatureLines(oracleCorpus(t), "csv", cfg.CSVTemplate)
	require.NoError(t, err)
	requireSameLines(t, "feature csv (custom template)", expected, out)
}

func TestTrackingJSONIsByteForByteWhatGOFFWritesOnAHostileCorpus(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.EventType = "tracking"
	out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
	require.NoError(t, err)
	expected, err := gofforacle.TrackingLines(oracleCorpus(t))
	require.NoError(t, err)
	requireSameLines(t, "tracking json", expected, out)
}

func TestTrailingNewlineKeepsGOFFsLastNewlineForObjectStores(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.TrailingNewline = true
	out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
	require.NoError(t, err)
	expected, err := gofforacle.FeatureLines(oracleCorpus(t), "json", "")
	require.NoError(t, err)
	require.Equal(t, strings.Join(expected, "\n")+"\n", string(out))
}

func TestAnEventGOFFCannotFormatCostsNoneOfItsNeighbours(t *testing.T) {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, v := range []float64{1, math.NaN(), 2} {
		lr := records.AppendEmpty()
		lr.SetEventName("feature_flag.evaluation")
		lr.Attributes().PutDouble("feature_flag.result.value", v)
	}
	out, err := newTestExtension(t, createDefaultConfig().(*Config)).MarshalLogs(ld)
	require.NoError(t, err)
	lines := gofforacle.SplitLines(out)
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], `"value":1,`)
	require.Contains(t, lines[1], `"value":2,`)
}

func TestAParquetEventGOFFCannotWriteCostsNoneOfItsNeighbours(t *testing.T) {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for _, v := range []float64{1, math.NaN(), 2} {
		lr := records.AppendEmpty()
		lr.SetEventName("feature_flag.evaluation")
		lr.Attributes().PutDouble("feature_flag.result.value", v)
	}
	cfg := createDefaultConfig().(*Config)
	cfg.Format = "parquet"
	out, err := newTestExtension(t, cfg).MarshalLogs(ld)
	require.NoError(t, err, "GOFF's writer fails the whole file on a NaN: the NaN event is left out first")
	pr, err := reader.NewParquetReader(buffer.NewBufferFileFromBytes(out), new(exporter.FeatureEvent), 1)
	require.NoError(t, err)
	rows := make([]exporter.FeatureEvent, pr.GetNumRows())
	require.NoError(t, pr.Read(&rows))
	pr.ReadStop()
	require.Len(t, rows, 2)
	require.Equal(t, "1", rows[0].Value)
	require.Equal(t, "2", rows[1].Value)
}

func TestParquetIsGOFFsOwnFileForEachBatch(t *testing.T) {
	for _, codec := range []string{"", "gzip", "UNCOMPRESSED"} {
		cfg := createDefaultConfig().(*Config)
		cfg.Format = "parquet"
		cfg.ParquetCompressionCodec = codec
		out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(out, []byte("PAR1")) && bytes.HasSuffix(out, []byte("PAR1")), "a parquet file")
		fr := buffer.NewBufferFileFromBytes(out)
		pr, err := reader.NewParquetReader(fr, new(exporter.FeatureEvent), 1)
		require.NoError(t, err)
		require.Equal(t, int64(len(oracleCorpus(t).Evaluations)), pr.GetNumRows())
		rows := make([]exporter.FeatureEvent, pr.GetNumRows())
		require.NoError(t, pr.Read(&rows))
		pr.ReadStop()
		want := map[string]string{"bool-flag": "true", "no-value": "null", "big-ints": "1000000", "tiny": "1e-7"}
		for _, row := range rows {
			if v, ok := want[row.Key]; ok {
				require.Equal(t, v, row.Value, row.Key)
				delete(want, row.Key)
			}
		}
		require.Empty(t, want)
	}
}

func TestConfigRefusesWhatGOFFWouldSilentlyReplaceOrFailOn(t *testing.T) {
	bad := []Config{
		{EventType: "features"},
		{EventType: "feature", Format: "xml"},
		{EventType: "feature", Format: "csv", CSVTemplate: "{{ .Kind"},
		{EventType: "feature", Format: "csv", CSVTemplate: "{{ .NoSuchField}}"},
		{EventType: "tracking", Format: "csv"},
		{EventType: "feature", Format: "parquet", ParquetCompressionCodec: "ZIPPY"},
	}
	for _, cfg := range bad {
		require.Error(t, cfg.Validate(), "%+v", cfg)
	}
	good := []Config{
		{EventType: "feature"},
		{EventType: "tracking", Format: "csv", CSVTemplate: "{{ .Key}};{{ .EvaluationContext}}\n"},
		{EventType: "feature", Format: "parquet", ParquetCompressionCodec: "zstd"},
	}
	for _, cfg := range good {
		require.NoError(t, cfg.Validate(), "%+v", cfg)
	}
}

func TestParquetRowsAreGOFFsRowsOnAHostileCorpus(t *testing.T) {
	for _, eventType := range []string{"feature", "tracking"} {
		cfg := createDefaultConfig().(*Config)
		cfg.Format = "parquet"
		cfg.EventType = eventType
		out, err := newTestExtension(t, cfg).MarshalLogs(corpusLogs(t))
		require.NoError(t, err)
		path := filepath.Join(t.TempDir(), "batch.parquet")
		require.NoError(t, os.WriteFile(path, out, 0o600))
		actual, err := gofforacle.ReadParquetRows([]string{path}, eventType == "tracking")
		require.NoError(t, err)
		expected, err := gofforacle.ParquetRows(oracleCorpus(t), eventType == "tracking")
		require.NoError(t, err)
		report, ok := gofforacle.Report(eventType+" parquet rows", expected, actual)
		require.True(t, ok, report)
		require.NotEmpty(t, expected)
	}
}
