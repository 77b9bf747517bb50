package goffencodingextension // import "offt/collector-components/goffencodingextension"

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xitongsys/parquet-go/parquet"

	"offt/collector-components/goffevent"
)

// Formats, as GOFF's fileexporter names them.
const (
	formatJSON    = goffevent.FormatJSON
	formatCSV     = goffevent.FormatCSV
	formatParquet = "parquet"
)

// Config maps GOFF's exporter options one to one (GOFF name in brackets). GOFF's
// flushInterval and maxEventInMemory belong to the exporter that carries this encoding
// (the file exporter's flush_interval, a batch in sending_queue), not to the encoding.
type Config struct {
	// EventType [eventType]: "feature" (default) writes feature_flag.evaluation records as
	// GOFF feature events, "tracking" writes openfeature.tracking records as tracking events.
	// Records of the other event are skipped.
	EventType string `mapstructure:"event_type"`
	// Format [format]: json (default), csv or parquet. Parquet is a whole file per marshal
	// call: use it with exporters that write one object per batch (awss3,
	// google_cloud_storage, azure_blob), not with the file exporter, which appends.
	Format string `mapstructure:"format"`
	// CSVTemplate [csvTemplate]: a Go text/template over GOFF's event, default GOFF's
	// exporter.DefaultCsvTemplate. Tracking events have no default CSV template in GOFF.
	CSVTemplate string `mapstructure:"csv_template"`
	// ParquetCompressionCodec [parquetCompressionCodec]: UNCOMPRESSED, SNAPPY (default),
	// GZIP, LZ4, ZSTD...
	ParquetCompressionCodec string `mapstructure:"parquet_compression_codec"`
	// Source is GOFF's `source` field of feature events: "SERVER" (default, what GOFF's relay
	// writes for the evaluations it serves) or "PROVIDER_CACHE".
	Source string `mapstructure:"source"`
	// TrailingNewline keeps the "\n" that ends GOFF's last line of a batch. Leave it false
	// with the file exporter, which ends every write with "\n" itself; set it true for
	// exporters that write the bytes as they are (object stores), so objects end like GOFF's files.
	TrailingNewline bool `mapstructure:"trailing_newline"`

	// prevent unkeyed literal initialization
	_ struct{}
}

func (c *Config) eventType() goffevent.EventType {
	if c.EventType == string(goffevent.Tracking) {
		return goffevent.Tracking
	}
	return goffevent.Feature
}

func (c *Config) format() string {
	if c.Format == "" {
		return formatJSON
	}
	return strings.ToLower(c.Format)
}

// Validate reports a setting GOFF would silently replace by its default (an unknown codec, a
// CSV template that does not parse) or that would fail on the first event (a CSV template
// naming a field the event type has), so that the collector refuses to start instead.
func (c *Config) Validate() error {
	var errs []error
	if err := goffevent.ValidateEventType(c.EventType); err != nil {
		errs = append(errs, err)
	}
	switch c.format() {
	case formatJSON, formatParquet:
	case formatCSV:
		if err := goffevent.CheckCSVTemplate(c.CSVTemplate, c.eventType()); err != nil {
			errs = append(errs, err)
		}
	default:
		errs = append(errs, fmt.Errorf("format must be json, csv or parquet, got %q", c.Format))
	}
	if c.ParquetCompressionCodec != "" {
		if _, err := parquet.CompressionCodecFromString(strings.ToUpper(c.ParquetCompressionCodec)); err != nil {
			errs = append(errs, fmt.Errorf("parquet_compression_codec: %w", err))
		}
	}
	return errors.Join(errs...)
}
