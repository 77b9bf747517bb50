// Package metadata holds the type and stability of the goff_encoding extension (the shape
// mdatagen generates for collector-contrib components).
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	Type      = component.MustNewType("goff_encoding")
	ScopeName = "offt/collector-components/goffencodingextension"
)

const (
	ExtensionStability = component.StabilityLevelAlpha
)
