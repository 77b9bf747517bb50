package goffencodingextension // import "offt/collector-components/goffencodingextension"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/encoding"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/thomaspoignant/go-feature-flag/exporter/fileexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent"
)

var _ encoding.LogsMarshalerExtension = (*goffExtension)(nil)

type goffExtension struct {
	config      *Config
	eventType   goffevent.EventType
	format      string
	csvTemplate *template.Template
	// defaultCSV: feature events with GOFF's default template take goffevent.AppendDefaultCSV,
	// the same bytes as GOFF's FormatInCSV without text/template (tested byte for byte).
	defaultCSV bool
	logger     *zap.Logger
}

func newExtension(config *Config, logger *zap.Logger) (*goffExtension, error) {
	e := &goffExtension{config: config, eventType: config.eventType(), format: config.format(), logger: logger}
	if e.format == formatCSV {
		t, err := goffevent.ParseCSVTemplate(config.CSVTemplate)
		if err != nil {
			return nil, err
		}
		e.csvTemplate = t
		e.defaultCSV = e.eventType == goffevent.Feature && (config.CSVTemplate == "" || config.CSVTemplate == exporter.DefaultCsvTemplate)
	}
	return e, nil
}

func (*goffExtension) Start(context.Context, component.Host) error { return nil }

func (*goffExtension) Shutdown(context.Context) error { return nil }

// MarshalLogs writes the batch as GOFF's fileexporter writes one flush: each event through
// GOFF's FormatInJSON / FormatInCSV, in order, or one Parquet file written by GOFF's writer.
// An event GOFF cannot format (a NaN or infinite number in JSON) is left out and logged, so
// that it costs none of its neighbours; records of the other event type are skipped.
func (e *goffExtension) MarshalLogs(ld plog.Logs) ([]byte, error) {
	if e.format == formatParquet {
		return e.marshalParquet(ld)
	}
	var buf bytes.Buffer
	failed := 0
	var firstErr error
	skipped := goffevent.ForEachEvent(ld, e.eventType, e.config.Source, func(event exporter.ExportableEvent) {
		if e.defaultCSV {
			buf.Write(goffevent.AppendDefaultCSV(buf.AvailableBuffer(), event.(exporter.FeatureEvent)))
			return
		}
		line, err := goffevent.FormatEvent(event, e.format, e.csvTemplate)
		if err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		buf.Write(line)
	})
	e.report(skipped, failed, firstErr)
	out := buf.Bytes()
	if !e.config.TrailingNewline && len(out) > 0 && out[len(out)-1] == '\n' {
		out = out[:len(out)-1]
	}
	return out, nil
}

// marshalParquet hands the events to GOFF's own fileexporter (format parquet) in a private
// temporary directory and returns the file it wrote: GOFF's Parquet schema, writer and codec.
// GOFF fails a whole file on one event it cannot write (a NaN, or no value: the library leaves
// the value out by default when there is a variant), so the events go through
// goffevent.ForGOFFFile first, as in goff_file.
func (e *goffExtension) marshalParquet(ld plog.Logs) ([]byte, error) {
	events, skipped := goffevent.Events(ld, e.eventType, e.config.Source)
	events, dropped := goffevent.ForGOFFFile(events, true)
	e.report(skipped, dropped, errNotFinite)
	if len(events) == 0 {
		return nil, nil
	}
	dir, err := os.MkdirTemp("", "goff-parquet-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fe := &fileexporter.Exporter{
		Format:                  formatParquet,
		OutputDir:               dir,
		Filename:                "batch.{{ .Format}}",
		ParquetCompressionCodec: strings.ToUpper(e.config.ParquetCompressionCodec),
	}
	if err := fe.Export(context.Background(), nil, events); err != nil {
		return nil, fmt.Errorf("GOFF parquet writer: %w", err)
	}
	return os.ReadFile(filepath.Join(dir, "batch.parquet"))
}

var errNotFinite = errors.New("a NaN or infinite number")

func (e *goffExtension) report(skipped, failed int, err error) {
	if skipped > 0 {
		e.logger.Debug("goff_encoding skipped records of another event", zap.Int("skipped", skipped), zap.String("event_type", string(e.eventType)))
	}
	if failed > 0 {
		e.logger.Warn("goff_encoding left out events GOFF cannot format", zap.Int("dropped", failed), zap.Error(err))
	}
}
