package gofffileexporter // import "offt/collector-components/gofffileexporter"

import (
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/xitongsys/parquet-go/parquet"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"offt/collector-components/goffevent"
)

// Config maps GOFF's file exporter options one to one (GOFF name in brackets). GOFF's
// flushInterval is sending_queue.batch.flush_timeout and maxEventInMemory is
// sending_queue.batch.max_size (items): one flush, one GOFF export, one file.
type Config struct {
	TimeoutSettings  exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueBatchConfig configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	BackOffConfig    configretry.BackOffConfig                                `mapstructure:"retry_on_failure"`

	// EventType [eventType]: feature (default) or tracking.
	EventType string `mapstructure:"event_type"`
	// Format [format]: json (default), csv or parquet.
	Format string `mapstructure:"format"`
	// OutputDir [outputDir]: where the files go (created if missing); "" is the working directory.
	OutputDir string `mapstructure:"output_dir"`
	// Filename [filename]: template with {{ .Hostname}}, {{ .Timestamp}} (Unix seconds) and
	// {{ .Format}}; default GOFF's flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}.
	Filename string `mapstructure:"filename"`
	// CSVTemplate [csvTemplate]: default GOFF's exporter.DefaultCsvTemplate.
	CSVTemplate string `mapstructure:"csv_template"`
	// ParquetCompressionCodec [parquetCompressionCodec]: default SNAPPY.
	ParquetCompressionCodec string `mapstructure:"parquet_compression_codec"`
	// Source: GOFF's `source` of feature events, default SERVER.
	Source string `mapstructure:"source"`
}

func (c *Config) eventType() goffevent.EventType {
	if c.EventType == string(goffevent.Tracking) {
		return goffevent.Tracking
	}
	return goffevent.Feature
}

// Validate refuses what GOFF would silently replace (a template that does not parse, an unknown
// codec) or fail on at every flush (a CSV template naming a missing field).
func (c *Config) Validate() error {
	var errs []error
	if err := goffevent.ValidateEventType(c.EventType); err != nil {
		errs = append(errs, err)
	}
	switch strings.ToLower(c.Format) {
	case "", "json", "parquet":
	case "csv":
		if err := goffevent.CheckCSVTemplate(c.CSVTemplate, c.eventType()); err != nil {
			errs = append(errs, err)
		}
	default:
		errs = append(errs, fmt.Errorf("format must be json, csv or parquet, got %q", c.Format))
	}
	if c.Filename != "" {
		if _, err := template.New("filename").Parse(c.Filename); err != nil {
			errs = append(errs, fmt.Errorf("filename: %w", err))
		}
	}
	if c.ParquetCompressionCodec != "" {
		if _, err := parquet.CompressionCodecFromString(strings.ToUpper(c.ParquetCompressionCodec)); err != nil {
			errs = append(errs, fmt.Errorf("parquet_compression_codec: %w", err))
		}
	}
	return errors.Join(errs...)
}
