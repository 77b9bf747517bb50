package torntailrepairextension

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
)

func TestFactoryTypeAndDefaultConfig(t *testing.T) {
	f := NewFactory()
	require.Equal(t, component.MustNewType("torn_tail_repair"), f.Type())
	require.NoError(t, componenttest.CheckConfigStruct(f.CreateDefaultConfig()))
	// No default files: a config that names none is refused rather than doing nothing.
	require.Error(t, f.CreateDefaultConfig().(*Config).Validate())
}

func TestConfigsInTestdata(t *testing.T) {
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	load := func(id string) *Config {
		sub, err := cm.Sub(id)
		require.NoError(t, err)
		cfg := NewFactory().CreateDefaultConfig().(*Config)
		require.NoError(t, sub.Unmarshal(cfg))
		return cfg
	}

	cfg := load("torn_tail_repair")
	require.NoError(t, cfg.Validate())
	require.Equal(t, []string{"/var/lib/offt/out/feature-events.ndjson", "/var/lib/offt/out/*.csv"}, cfg.Files)

	require.ErrorContains(t, load("torn_tail_repair/empty").Validate(), "at least one")
	require.ErrorContains(t, load("torn_tail_repair/bad_pattern").Validate(), "not a valid glob pattern")
}
