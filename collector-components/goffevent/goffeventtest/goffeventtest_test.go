package goffeventtest

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"

	"offt/collector-components/goffevent"
)

func TestEvaluationsAreFeatureEventsOfTheGivenUsersPlusOneTrackingRecord(t *testing.T) {
	events, skipped := goffevent.Events(Evaluations(int64(1_000_000), Users(2)...), goffevent.Feature, "")
	require.Equal(t, 1, skipped, "the tracking record")
	require.Equal(t, []exporter.ExportableEvent{
		exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: "user-0", CreationDate: FirstSecond, Key: "new-checkout", Variation: "on", Value: float64(1_000_000), Source: "SERVER"},
		exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: "user-1", CreationDate: FirstSecond + 1, Key: "new-checkout", Variation: "on", Value: float64(1_000_000), Source: "SERVER"},
	}, events)
}

func TestEvaluationsRefusesAValueOTLPCannotHold(t *testing.T) {
	require.Panics(t, func() { Evaluations(struct{}{}, "u") })
}
