// Package goffevent turns the OpenTelemetry log records written by openfeature-otel-tracking
// (`feature_flag.evaluation` and `openfeature.tracking`, see src/semconv.ts) into GO Feature
// Flag's own event structs (exporter.FeatureEvent, exporter.TrackingEvent from
// github.com/thomaspoignant/go-feature-flag), and formats them with GOFF's own code
// (FormatInJSON, FormatInCSV), so that every byte a collector writes is the byte GOFF writes.
//
// It is shared by the collector components of this repository: the goff_encoding extension
// (file, awss3, google_cloud_storage, azure_blob, kafka exporters) and the GOFF network
// exporters (webhook, SQS, Kinesis, Kafka, file). Exporters that hand GOFF's exporter part of a
// batch at a time keep each event's record (Collect) and give back only the records not sent
// (LogsOf); package goffeventtest builds the records their tests feed them.
//
// Values are handed to GOFF the way GOFF's relay proxy holds them: the relay receives provider
// events as JSON, so every number (int or double) becomes a float64, maps become
// map[string]any and arrays []any. Bytes (never written by the library) stay []byte, which
// encoding/json writes as base64.
package goffevent // import "offt/collector-components/goffevent"
