package gofffileexporter // import "offt/collector-components/gofffileexporter"

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/thomaspoignant/go-feature-flag/exporter/fileexporter"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent"
)

type fileExporter struct {
	config *Config
	logger *zap.Logger
	// goff is GOFF's own file exporter; its Export is not safe for concurrent use.
	mu         sync.Mutex
	goff       *fileexporter.Exporter
	lastSecond int64
}

func newFileExporter(c *Config, logger *zap.Logger) *fileExporter {
	return &fileExporter{
		config: c,
		logger: logger,
		goff: &fileexporter.Exporter{
			Format:                  strings.ToLower(c.Format),
			OutputDir:               c.OutputDir,
			Filename:                c.Filename,
			CsvTemplate:             c.CSVTemplate,
			ParquetCompressionCodec: strings.ToUpper(c.ParquetCompressionCodec),
		},
	}
}

// pushLogs hands one flush of the sending queue to GOFF's file exporter: one file per flush
// (json and csv append when two flushes share a file name, as in GOFF).
func (e *fileExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	events, skipped := goffevent.Events(ld, e.config.eventType(), e.config.Source)
	if skipped > 0 {
		e.logger.Debug("goff_file skipped records of another event", zap.Int("skipped", skipped))
	}
	parquet := strings.EqualFold(e.config.Format, "parquet")
	kept, dropped := goffevent.ForGOFFFile(events, parquet)
	if dropped > 0 {
		e.logger.Warn("goff_file left out events GOFF cannot format (NaN or infinite number)", zap.Int("dropped", dropped))
	}
	if len(kept) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if parquet {
		// A Parquet file is rewritten, not appended: a second flush in the same second would
		// replace the first file (GOFF's names have second resolution), so wait for the next second.
		for time.Now().Unix() == e.lastSecond {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Until(time.Unix(e.lastSecond+1, 0))):
			}
		}
	}
	err := e.goff.Export(ctx, nil, kept)
	e.lastSecond = time.Now().Unix()
	if err != nil {
		return consumererror.NewPermanent(fmt.Errorf("GOFF file exporter: %w", err))
	}
	return nil
}
