// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkinesisexporter

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

func TestConfigDefaults(t *testing.T) {
	cfg := loadConfig(t, "")
	require.NoError(t, xconfmap.Validate(cfg))
	assert.Equal(t, "feature", cfg.EventType)
	assert.Equal(t, 200*time.Millisecond, cfg.QueueBatchConfig.Get().Batch.Get().FlushTimeout, "GOFF sends Kinesis events as they come")
}

func TestConfigMapsEveryGOFFOption(t *testing.T) {
	cfg := loadConfig(t, "full")
	require.NoError(t, xconfmap.Validate(cfg))
	assert.Equal(t, "goff-events", cfg.StreamName)
	assert.Equal(t, "arn:aws:kinesis:eu-west-1:123456789012:stream/goff-events", cfg.StreamArn)
	assert.Equal(t, "tracking", cfg.EventType)
	assert.Equal(t, "PROVIDER_CACHE", cfg.Source)
	assert.Equal(t, "eu-west-1", cfg.Region)
	assert.Equal(t, "http://127.0.0.1:4566", cfg.Endpoint)
}

func TestConfigRejectsWhatGOFFCannotSend(t *testing.T) {
	for name, want := range map[string]string{
		"no_stream": "stream_name or stream_arn is required",
		"bad_type":  `event_type "features"`,
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorContains(t, xconfmap.Validate(loadConfig(t, name)), want)
		})
	}
}
