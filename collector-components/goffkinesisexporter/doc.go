// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

// Package goffkinesisexporter is GO Feature Flag's (GOFF) "kinesis" exporter as an
// OpenTelemetry Collector logs exporter (`goff_kinesis`): every feature_flag.evaluation (or
// openfeature.tracking) record becomes GOFF's event (package goffevent) and is sent by GOFF's
// own kinesisexporter: one Kinesis record per event, its data json.Marshal of the event, its
// partition key GOFF's ("default"), in PutRecords calls of at most 500 records. The contrib
// awskinesis exporter cannot do this: it only writes OTLP, Zipkin or Jaeger payloads.
package goffkinesisexporter // import "offt/collector-components/goffkinesisexporter"
