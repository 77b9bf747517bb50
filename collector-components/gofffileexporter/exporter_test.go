package gofffileexporter

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

func evaluations(values ...any) plog.Logs {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i, v := range values {
		lr := records.AppendEmpty()
		lr.SetEventName("feature_flag.evaluation")
		lr.SetTimestamp(pcommon.Timestamp(1795300000_000000000))
		lr.Attributes().PutStr("feature_flag.key", "flag-"+string(rune('a'+i)))
		lr.Attributes().PutStr("feature_flag.context.id", "user-1")
		if v != nil {
			require.NoError(nil, lr.Attributes().PutEmpty("feature_flag.result.value").FromRaw(v))
		}
	}
	tr := records.AppendEmpty()
	tr.SetEventName("openfeature.tracking")
	return ld
}

func newTestExporter(t *testing.T, mutate func(*Config)) (*fileExporter, string) {
	t.Helper()
	cfg := createDefaultConfig().(*Config)
	cfg.OutputDir = t.TempDir()
	mutate(cfg)
	require.NoError(t, cfg.Validate())
	return newFileExporter(cfg, zap.NewNop()), cfg.OutputDir
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestJSONFlushIsGOFFsFileWithGOFFsName(t *testing.T) {
	exp, dir := newTestExporter(t, func(*Config) {})
	require.NoError(t, exp.pushLogs(context.Background(), evaluations("v", 1000000, map[string]any{"k\b": 1e-7})))
	names := files(t, dir)
	require.Len(t, names, 1)
	host, _ := os.Hostname()
	require.Regexp(t, `^flag-variation-`+host+`-\d{10}\.json$`, names[0])
	b, err := os.ReadFile(filepath.Join(dir, names[0]))
	require.NoError(t, err)
	require.Equal(t, strings.Join([]string{
		`{"kind":"feature","contextKind":"user","userKey":"user-1","creationDate":1795300000,"key":"flag-a","variation":"SdkDefault","value":"v","default":false,"version":"","source":"SERVER"}`,
		`{"kind":"feature","contextKind":"user","userKey":"user-1","creationDate":1795300000,"key":"flag-b","variation":"SdkDefault","value":1000000,"default":false,"version":"","source":"SERVER"}`,
		`{"kind":"feature","contextKind":"user","userKey":"user-1","creationDate":1795300000,"key":"flag-c","variation":"SdkDefault","value":{"k\b":1e-7},"default":false,"version":"","source":"SERVER"}`,
	}, "\n")+"\n", string(b))
}

func TestCSVFlushUsesTheCSVTemplateAndTheFilenameTemplate(t *testing.T) {
	exp, dir := newTestExporter(t, func(c *Config) {
		c.Format = "csv"
		c.Filename = "events-{{ .Format}}.out"
	})
	require.NoError(t, exp.pushLogs(context.Background(), evaluations(1000000)))
	require.NoError(t, exp.pushLogs(context.Background(), evaluations(map[string]any{"a": "x y"})))
	require.Equal(t, []string{"events-csv.out"}, files(t, dir))
	b, err := os.ReadFile(filepath.Join(dir, "events-csv.out"))
	require.NoError(t, err)
	require.Equal(t, "feature;user;user-1;1795300000;flag-a;SdkDefault;1e+06;false;SERVER\nfeature;user;user-1;1795300000;flag-a;SdkDefault;map[a:x y];false;SERVER\n", string(b))
}

func TestParquetIsOneGOFFFilePerFlushEvenWithinOneSecond(t *testing.T) {
	exp, dir := newTestExporter(t, func(c *Config) {
		c.Format = "parquet"
		c.ParquetCompressionCodec = "zstd"
	})
	require.NoError(t, exp.pushLogs(context.Background(), evaluations(true, nil)))
	require.NoError(t, exp.pushLogs(context.Background(), evaluations(1000000)))
	names := files(t, dir)
	require.Len(t, names, 2, "the second flush waits for the next second instead of replacing the first file")
	var values []string
	for _, name := range names {
		fr, err := local.NewLocalFileReader(filepath.Join(dir, name))
		require.NoError(t, err)
		pr, err := reader.NewParquetReader(fr, new(exporter.FeatureEvent), 1)
		require.NoError(t, err)
		rows := make([]exporter.FeatureEvent, pr.GetNumRows())
		require.NoError(t, pr.Read(&rows))
		pr.ReadStop()
		require.NoError(t, fr.Close())
		for _, r := range rows {
			values = append(values, r.Key+"="+r.Value.(string))
		}
	}
	require.Equal(t, []string{"flag-a=true", "flag-b=null", "flag-a=1000000"}, values)
}

func TestAnEventGOFFCannotFormatCostsNoneOfItsNeighbours(t *testing.T) {
	exp, dir := newTestExporter(t, func(*Config) {})
	require.NoError(t, exp.pushLogs(context.Background(), evaluations(1.0, math.NaN(), map[string]any{"x": math.Inf(1)}, 2.0)))
	names := files(t, dir)
	require.Len(t, names, 1)
	b, err := os.ReadFile(filepath.Join(dir, names[0]))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	require.Len(t, lines, 2)
	require.Contains(t, lines[0], `"key":"flag-a"`)
	require.Contains(t, lines[1], `"key":"flag-d"`)
}

func TestConfigRefusesWhatGOFFWouldSilentlyReplaceOrFailOn(t *testing.T) {
	for _, mutate := range []func(*Config){
		func(c *Config) { c.EventType = "both" },
		func(c *Config) { c.Format = "xml" },
		func(c *Config) { c.Format = "csv"; c.CSVTemplate = "{{ .Nope}}" },
		func(c *Config) { c.Format = "csv"; c.EventType = "tracking" },
		func(c *Config) { c.Filename = "{{ .Timestamp" },
		func(c *Config) { c.ParquetCompressionCodec = "zippy" },
	} {
		cfg := createDefaultConfig().(*Config)
		mutate(cfg)
		require.Error(t, cfg.Validate())
	}
	require.NoError(t, createDefaultConfig().(*Config).Validate())
}
