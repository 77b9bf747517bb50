package torntailrepairextension // import "offt/collector-components/torntailrepairextension"

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"go.opentelemetry.io/collector/component"
	"go.uber.org/zap"
)

type repairExtension struct {
	config *Config
	logger *zap.Logger
}

// Start repairs every matching file. The collector starts all extensions before any pipeline,
// so no exporter has written to these files yet. A file that cannot be repaired fails the
// start: appending to a torn file would silently corrupt a line.
func (e *repairExtension) Start(_ context.Context, _ component.Host) error {
	for _, pattern := range e.config.Files {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			return fmt.Errorf("torn_tail_repair: %q: %w", pattern, err)
		}
		for _, path := range paths {
			info, err := os.Stat(path)
			if err != nil {
				return fmt.Errorf("torn_tail_repair: %w", err)
			}
			if !info.Mode().IsRegular() {
				continue
			}
			removed, err := RepairTornTail(path)
			if err != nil {
				return fmt.Errorf("torn_tail_repair: %w", err)
			}
			if removed > 0 {
				// The bytes themselves are not logged: they may hold targeting keys.
				e.logger.Warn("cut a torn last line left by an interrupted write (the sender re-sends that batch)",
					zap.String("path", path), zap.Int64("bytes_removed", removed), zap.Int64("size", info.Size()-removed))
			}
		}
	}
	return nil
}

func (e *repairExtension) Shutdown(context.Context) error { return nil }
