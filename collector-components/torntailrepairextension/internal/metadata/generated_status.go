// Package metadata holds the type and stability of the torn_tail_repair extension (the shape
// mdatagen generates for collector-contrib components).
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	Type      = component.MustNewType("torn_tail_repair")
	ScopeName = "offt/collector-components/torntailrepairextension"
)

const (
	ExtensionStability = component.StabilityLevelAlpha
)
