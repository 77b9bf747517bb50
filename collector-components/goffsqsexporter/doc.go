// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

// Package goffsqsexporter is GO Feature Flag's (GOFF) "sqs" exporter as an OpenTelemetry
// Collector logs exporter (`goff_sqs`): every feature_flag.evaluation (or
// openfeature.tracking) record becomes GOFF's event (package goffevent) and is sent by GOFF's
// own sqsexporter: one SQS message per event, the body json.Marshal of the event, with the
// message attribute emitter="GO Feature Flag".
package goffsqsexporter // import "offt/collector-components/goffsqsexporter"
