// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffwebhookexporter

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/confmap/xconfmap"
)

func loadConfig(t *testing.T, name string) *Config {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(Type, name).String())
	require.NoError(t, err)
	cfg := createDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg
}

func TestConfigDefaultsAreGOFFs(t *testing.T) {
	cfg := loadConfig(t, "")
	require.NoError(t, xconfmap.Validate(cfg))
	assert.Equal(t, "feature", cfg.EventType)
	batch := cfg.QueueBatchConfig.Get().Batch.Get()
	assert.Equal(t, time.Minute, batch.FlushTimeout, "GOFF's default flushInterval")
	assert.EqualValues(t, 100_000, batch.MaxSize, "GOFF's default maxEventInMemory")
}

func TestConfigMapsEveryGOFFOption(t *testing.T) {
	cfg := loadConfig(t, "full")
	require.NoError(t, xconfmap.Validate(cfg))
	assert.Equal(t, "tracking", cfg.EventType)
	assert.Equal(t, "PROVIDER_CACHE", cfg.Source)
	assert.Equal(t, "s3cr3t", string(cfg.Secret))
	assert.Equal(t, map[string]string{"hostname": "collector-1", "env": "prod"}, cfg.Meta)
	assert.Equal(t, "Bearer xyz", string(cfg.Headers["Authorization"]))
	assert.Equal(t, 10*time.Second, cfg.QueueBatchConfig.Get().Batch.Get().FlushTimeout)
	assert.EqualValues(t, 1000, cfg.QueueBatchConfig.Get().Batch.Get().MaxSize)
}

func TestConfigRejectsWhatGOFFCannotSend(t *testing.T) {
	for name, want := range map[string]string{
		"no_url":   "endpoint_url is required",
		"bad_type": `event_type "features"`,
		"bad_url":  "must be an absolute http(s) URL",
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorContains(t, xconfmap.Validate(loadConfig(t, name)), want)
		})
	}
}
