package torntailrepairextension // import "offt/collector-components/torntailrepairextension"

import (
	"errors"
	"fmt"
	"path/filepath"
)

// Config lists the files to repair at start-up.
type Config struct {
	// Files are paths or filepath.Match glob patterns (e.g. "/var/out/*.ndjson") of
	// line-oriented files (NDJSON, CSV, OTLP/JSON lines). A pattern that matches nothing is
	// fine (first start). Only regular files are touched. Never list a binary file (Parquet,
	// proto): it would be cut at its last 0x0A byte.
	Files []string `mapstructure:"files"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks that there is at least one pattern and that every pattern is well formed.
func (cfg *Config) Validate() error {
	if len(cfg.Files) == 0 {
		return errors.New("files: list at least one path or glob pattern of a line-oriented output file")
	}
	for _, pattern := range cfg.Files {
		if pattern == "" {
			return errors.New("files: an entry is empty")
		}
		if _, err := filepath.Match(pattern, ""); err != nil {
			return fmt.Errorf("files: %q is not a valid glob pattern: %w", pattern, err)
		}
	}
	return nil
}
