package gofffileexporter // import "offt/collector-components/gofffileexporter"

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

// Type is the component type: `goff_file` in a collector config.
var Type = component.MustNewType("goff_file")

// Stability of the logs exporter.
const Stability = component.StabilityLevelAlpha

// GOFF's defaults for a bulk exporter: flushInterval 1 minute, maxEventInMemory 100000.
const (
	defaultFlushInterval    = time.Minute
	defaultMaxEventInMemory = 100_000
)

// NewFactory returns the factory of GOFF's file exporter for the collector.
func NewFactory() exporter.Factory {
	return exporter.NewFactory(Type, createDefaultConfig, exporter.WithLogs(createLogsExporter, Stability))
}

func createDefaultConfig() component.Config {
	queue := exporterhelper.NewDefaultQueueConfig()
	queue.Sizer = exporterhelper.RequestSizerTypeItems
	queue.QueueSize = 10 * defaultMaxEventInMemory
	// One consumer: GOFF's file exporter is one writer (and names files by the second).
	queue.NumConsumers = 1
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
		Format:           "json",
		Source:           goffevent.DefaultSource,
	}
}

func createLogsExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Logs, error) {
	c := cfg.(*Config)
	exp := newFileExporter(c, set.Logger)
	return exporterhelper.NewLogs(ctx, set, cfg, exp.pushLogs,
		exporterhelper.WithTimeout(c.TimeoutSettings),
		exporterhelper.WithQueue(c.QueueBatchConfig),
		exporterhelper.WithRetry(c.BackOffConfig),
	)
}
