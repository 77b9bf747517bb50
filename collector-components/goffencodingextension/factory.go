package goffencodingextension // import "offt/collector-components/goffencodingextension"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension"

	"offt/collector-components/goffencodingextension/internal/metadata"
	"offt/collector-components/goffevent"
)

// NewFactory returns the factory of the goff_encoding extension.
func NewFactory() extension.Factory {
	return extension.NewFactory(
		metadata.Type,
		createDefaultConfig,
		createExtension,
		metadata.ExtensionStability,
	)
}

// The defaults are GOFF's: feature events, JSON, GOFF's default CSV template, SNAPPY, SERVER.
func createDefaultConfig() component.Config {
	return &Config{
		EventType: string(goffevent.Feature),
		Format:    formatJSON,
		Source:    goffevent.DefaultSource,
	}
}

func createExtension(_ context.Context, settings extension.Settings, config component.Config) (extension.Extension, error) {
	return newExtension(config.(*Config), settings.Logger)
}
