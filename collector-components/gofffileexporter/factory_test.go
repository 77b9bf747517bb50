package gofffileexporter

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/exporter/exportertest"
)

func TestConfigLoadsGOFFOptionsAndTheExporterStarts(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub("goff_file/parquet")
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	require.Equal(t, "parquet", cfg.Format)
	require.Equal(t, "/tmp/goff", cfg.OutputDir)
	q := cfg.QueueBatchConfig.Get()
	require.Equal(t, 30*time.Second, q.Batch.Get().FlushTimeout)
	require.Equal(t, int64(5000), q.Batch.Get().MaxSize)

	cfg.OutputDir = t.TempDir()
	exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, exp.ConsumeLogs(context.Background(), evaluations("x")))
	require.NoError(t, exp.Shutdown(context.Background()), "shutdown flushes the batch")
	require.Len(t, files(t, cfg.OutputDir), 1)
}
