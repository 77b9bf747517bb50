package goffencodingextension

import (
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

// benchLogs is a batch of 500 records in the library's usual shapes (bench/goff-encoding.mjs).
func benchLogs() plog.Logs {
	ld := plog.NewLogs()
	records := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < 500; i++ {
		lr := records.AppendEmpty()
		lr.SetTimestamp(pcommon.Timestamp(1795300000_000000000))
		a := lr.Attributes()
		if i%5 == 4 {
			lr.SetEventName("openfeature.tracking")
			a.PutStr("openfeature.tracking.name", "checkout-completed")
			a.PutDouble("openfeature.tracking.value", 42.5)
			d := a.PutEmptyMap("openfeature.tracking.details")
			d.PutStr("currency", "EUR")
			d.PutInt("items", 3)
		} else {
			lr.SetEventName("feature_flag.evaluation")
			a.PutStr("feature_flag.key", "checkout-button")
			a.PutStr("feature_flag.result.variant", "blue")
			a.PutStr("feature_flag.result.reason", "targeting_match")
			a.PutStr("feature_flag.version", "v7")
		}
		a.PutStr("feature_flag.provider.name", "flagd")
		a.PutStr("feature_flag.context.id", "user-12345")
		a.PutEmptyMap("openfeature.context").PutBool("anonymous", i%7 == 0)
	}
	return ld
}

func benchmarkMarshal(b *testing.B, cfg *Config) {
	ext, err := newExtension(cfg, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	ld := benchLogs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ext.MarshalLogs(ld); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalFeatureJSON(b *testing.B) {
	benchmarkMarshal(b, createDefaultConfig().(*Config))
}

func BenchmarkMarshalFeatureCSV(b *testing.B) {
	cfg := createDefaultConfig().(*Config)
	cfg.Format = "csv"
	benchmarkMarshal(b, cfg)
}

func BenchmarkMarshalTrackingJSON(b *testing.B) {
	cfg := createDefaultConfig().(*Config)
	cfg.EventType = "tracking"
	benchmarkMarshal(b, cfg)
}
