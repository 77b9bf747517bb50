package torntailrepairextension // import "offt/collector-components/torntailrepairextension"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"offt/collector-components/torntailrepairextension/internal/metadata"
)

// NewFactory returns the factory of the torn_tail_repair extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(
		metadata.Type,
		createDefaultConfig,
		createExtension,
		metadata.ExtensionStability,
	)
}

// No default files: which files are line-oriented is the config's to say.
func createDefaultConfig() component.Config {
	return &Config{}
}

func createExtension(_ context.Context, settings extension.Settings, config component.Config) (extension.Extension, error) {
	return &repairExtension{config: config.(*Config), logger: settings.Logger}, nil
}
