// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkafkaexporter

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/confmap/xconfmap"
	"go.uber.org/zap"
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

func TestConfigMapsEveryGOFFOptionToSaramasSettings(t *testing.T) {
	cfg := loadConfig(t, "full")
	require.NoError(t, xconfmap.Validate(cfg))
	exp := newKafkaExporter(cfg, zap.NewNop())
	require.NoError(t, exp.start(context.Background(), componenttest.NewNopHost()))
	s := exp.goff.Settings
	assert.Equal(t, "goff-tracking-events", s.Topic)
	assert.Equal(t, []string{"kafka-1:9092", "kafka-2:9092"}, s.Addresses)
	assert.True(t, s.Producer.Return.Successes, "GOFF's producer is synchronous")
	assert.Equal(t, "collector-1", s.ClientID)
	assert.True(t, s.Net.TLS.Enable)
	assert.True(t, s.Net.SASL.Enable)
	assert.Equal(t, "goff", s.Net.SASL.User)
	assert.Equal(t, "s3cr3t", s.Net.SASL.Password)
	assert.Equal(t, "tracking", cfg.EventType)
	assert.Equal(t, "PROVIDER_CACHE", cfg.Source)
	require.NoError(t, s.Validate(), "sarama accepts the configuration")
}

func TestConfigDefaultsAreGOFFs(t *testing.T) {
	cfg := loadConfig(t, "")
	require.NoError(t, xconfmap.Validate(cfg))
	exp := newKafkaExporter(cfg, zap.NewNop())
	require.NoError(t, exp.start(context.Background(), componenttest.NewNopHost()))
	assert.False(t, exp.goff.Settings.Net.TLS.Enable)
	assert.False(t, exp.goff.Settings.Net.SASL.Enable)
	assert.Equal(t, "feature", cfg.EventType)
}

func TestConfigRejectsWhatGOFFCannotSend(t *testing.T) {
	for name, want := range map[string]string{
		"no_brokers": "brokers is required",
		"no_topic":   "topic is required",
		"half_sasl":  "sasl: set both",
		"bad_type":   `event_type "features"`,
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorContains(t, xconfmap.Validate(loadConfig(t, name)), want)
		})
	}
}
