// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

// Package goffkafkaexporter is GO Feature Flag's (GOFF) "kafka" exporter as an OpenTelemetry
// Collector logs exporter (`goff_kafka`): every feature_flag.evaluation (or
// openfeature.tracking) record becomes GOFF's event (package goffevent) and is sent by GOFF's own
// kafkaexporter (sarama's synchronous producer): one message per event, its value json.Marshal of
// the event, its key the event's userKey, so one user's events land on one partition in order.
// The contrib kafka exporter can carry the value but cannot key a message by a record attribute.
package goffkafkaexporter // import "offt/collector-components/goffkafkaexporter"
