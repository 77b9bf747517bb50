package torntailrepairextension

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"offt/collector-components/torntailrepairextension/internal/metadata"
)

func TestStartRepairsEveryMatchingFileAndLogsIt(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"feature-events.ndjson":  "{\"k\":1}\n{\"k\":",
		"feature-events.csv":     "feature;user;u1\nfeature;us",
		"tracking-events.ndjson": "{\"t\":1}\n",
		"raw-otlp.json":          "{\"resourceLogs\":[]}\n{\"resourceLo",
		"not-listed.ndjson":      "{\"x\":",
	}
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "queue.ndjson"), 0o755)) // a directory matching a glob is skipped

	core, logs := observer.New(zap.WarnLevel)
	set := extensiontest.NewNopSettings(metadata.Type)
	set.Logger = zap.New(core)
	cfg := &Config{Files: []string{
		filepath.Join(dir, "feature-events.*"),
		filepath.Join(dir, "tracking-events.ndjson"),
		filepath.Join(dir, "raw-otlp.json"),
		filepath.Join(dir, "queue.ndjson"),
		filepath.Join(dir, "absent-*.ndjson"), // matches nothing yet: fine
	}}
	require.NoError(t, cfg.Validate())
	ext, err := NewFactory().Create(context.Background(), set, cfg)
	require.NoError(t, err)
	require.NoError(t, ext.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, ext.Shutdown(context.Background()))

	want := map[string]string{
		"feature-events.ndjson":  "{\"k\":1}\n",
		"feature-events.csv":     "feature;user;u1\n",
		"tracking-events.ndjson": "{\"t\":1}\n",
		"raw-otlp.json":          "{\"resourceLogs\":[]}\n",
		"not-listed.ndjson":      "{\"x\":",
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, content, string(got), name)
	}
	require.Equal(t, 3, logs.Len(), "one warning per repaired file")
	for _, entry := range logs.All() {
		require.Contains(t, entry.ContextMap(), "bytes_removed")
	}
}

func TestStartFailsWhenAFileCannotBeRepaired(t *testing.T) {
	// A dangling symlink matches the glob but cannot be opened: the collector must not start
	// and append to a file it could not check.
	dir := t.TempDir()
	require.NoError(t, os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "events.ndjson")))
	ext, err := NewFactory().Create(context.Background(), extensiontest.NewNopSettings(metadata.Type),
		&Config{Files: []string{filepath.Join(dir, "*.ndjson")}})
	require.NoError(t, err)
	require.Error(t, ext.Start(context.Background(), componenttest.NewNopHost()))
}
