package gofforacle // import "offt/collector-components/goffencodingextension/internal/gofforacle"

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/thomaspoignant/go-feature-flag/exporter"
	"github.com/thomaspoignant/go-feature-flag/exporter/fileexporter"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/reader"
)

// noValue stands for an evaluation whose value the library did not export: GOFF's own
// ConvertValueForParquet fails the whole file on a nil value, the collector writes "null".
var noValue = (*struct{})(nil)

// ParquetRows is what GOFF's own fileexporter writes in Parquet for the corpus, read back as
// one JSON text per row (the same reader as for the collector's files, see ReadParquetRows).
func ParquetRows(c Corpus, tracking bool) ([]string, error) {
	var events []exporter.ExportableEvent
	if tracking {
		for _, t := range c.Tracks {
			events = append(events, TrackingEvent(t))
		}
	} else {
		for _, e := range c.Evaluations {
			event, err := FeatureEvent(e)
			if err != nil {
				return nil, err
			}
			if event.Value == nil {
				event.Value = noValue
			}
			events = append(events, event)
		}
	}
	dir, err := os.MkdirTemp("", "gofforacle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	goff := &fileexporter.Exporter{Format: "parquet", OutputDir: dir, Filename: "goff.parquet"}
	if err := goff.Export(context.Background(), nil, events); err != nil {
		return nil, err
	}
	return ReadParquetRows([]string{filepath.Join(dir, "goff.parquet")}, tracking)
}

// ReadParquetRows reads GOFF Parquet files (FeatureEvent or TrackingEvent schema) into one JSON
// text per row.
func ReadParquetRows(paths []string, tracking bool) ([]string, error) {
	var rows []string
	for _, path := range paths {
		fr, err := local.NewLocalFileReader(path)
		if err != nil {
			return nil, err
		}
		var schema any = new(exporter.FeatureEvent)
		if tracking {
			schema = new(exporter.TrackingEvent)
		}
		pr, err := reader.NewParquetReader(fr, schema, 1)
		if err != nil {
			_ = fr.Close()
			return nil, err
		}
		n := int(pr.GetNumRows())
		var texts []string
		if tracking {
			got := make([]exporter.TrackingEvent, n)
			err = pr.Read(&got)
			for _, r := range got {
				b, _ := json.Marshal(r)
				texts = append(texts, string(b))
			}
		} else {
			got := make([]exporter.FeatureEvent, n)
			err = pr.Read(&got)
			for _, r := range got {
				b, _ := json.Marshal(r)
				texts = append(texts, string(b))
			}
		}
		pr.ReadStop()
		_ = fr.Close()
		if err != nil {
			return nil, err
		}
		rows = append(rows, texts...)
	}
	return rows, nil
}
