package goffencodingextension

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/extension/extensiontest"

	"offt/collector-components/goffencodingextension/internal/metadata"
)

func TestFactoryTypeAndDefaultsAreGOFFs(t *testing.T) {
	f := NewFactory()
	require.Equal(t, component.MustNewType("goff_encoding"), f.Type())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))
	cfg := f.CreateDefaultConfig().(*Config)
	require.NoError(t, cfg.Validate())
	require.Equal(t, "feature", cfg.EventType)
	require.Equal(t, "json", cfg.Format)
	require.Equal(t, "SERVER", cfg.Source)
	require.False(t, cfg.TrailingNewline)
}

func TestConfigsInTestdataLoadValidateAndStart(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	for _, id := range []string{"goff_encoding", "goff_encoding/csv", "goff_encoding/tracking", "goff_encoding/parquet"} {
		sub, err := cm.Sub(id)
		require.NoError(t, err)
		cfg := NewFactory().CreateDefaultConfig()
		require.NoError(t, sub.Unmarshal(cfg))
		require.NoError(t, cfg.(*Config).Validate(), id)
		ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(metadata.Type), cfg)
		require.NoError(t, err)
		require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
		require.NoError(t, ext.Shutdown(context.Background()))
	}
	sub, err := cm.Sub("goff_encoding/parquet")
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	require.Equal(t, "parquet", cfg.Format)
	require.Equal(t, "ZSTD", cfg.ParquetCompressionCodec)
	require.True(t, cfg.TrailingNewline)
}
