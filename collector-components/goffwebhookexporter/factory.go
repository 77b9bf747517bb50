// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffwebhookexporter // import "offt/collector-components/goffwebhookexporter"

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"offt/collector-components/goffevent"
)

// Type is the component type: `goff_webhook` in a collector config.
var Type = component.MustNewType("goff_webhook")

// Stability of the logs exporter.
const Stability = component.StabilityLevelAlpha

// NewFactory returns the factory of GOFF's webhook exporter for the collector.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(Type, createDefaultConfig, exporter.WithLogs(createLogsExporter, Stability))
}

// GOFF's defaults for a bulk exporter: flushInterval 1 minute, maxEventInMemory 100000.
const (
	defaultFlushInterval    = time.Minute
	defaultMaxEventInMemory = 100_000
)

func createDefaultConfig() component.Config {
	queue := exporterhelper.NewDefaultQueueConfig()
	queue.Sizer = exporterhelper.RequestSizerTypeItems
	queue.QueueSize = 10 * defaultMaxEventInMemory
	queue.NumConsumers = 2
	queue.Batch = configoptional.Some(exporterhelper.BatchConfig{
		FlushTimeout: defaultFlushInterval,
		Sizer:        exporterhelper.RequestSizerTypeItems,
		MinSize:      defaultMaxEventInMemory,
		MaxSize:      defaultMaxEventInMemory,
	})
	return &Config{
		TimeoutSettings:  exporterhelper.NewDefaultTimeoutConfig(),
		QueueBatchConfig: configoptional.Some(queue),
		BackOffConfig:    configretry.NewDefaultBackOffConfig(),
		EventType:        string(goffevent.Feature),
	}
}

func createLogsExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	exp := newWebhookExporter(c, set.Logger)
	return exporterhelper.NewLogs(ctx, set, cfg, exp.pushLogs,
		exporterhelper.WithTimeout(c.TimeoutSettings),
		exporterhelper.WithQueue(c.QueueBatchConfig),
		exporterhelper.WithRetry(c.BackOffConfig),
	)
}
