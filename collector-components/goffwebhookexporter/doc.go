// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

// Package goffwebhookexporter is GO Feature Flag's (GOFF) "webhook" exporter as an
// OpenTelemetry Collector logs exporter (`goff_webhook`): it turns feature_flag.evaluation or
// openfeature.tracking records into GOFF's events (package goffevent) and sends them with
// GOFF's own webhookexporter: one POST per batch with the body {"meta":{...},"events":[...]}
// and, when a secret is set, X-Hub-Signature-256: sha256=<HMAC-SHA256 hex of the body>.
package goffwebhookexporter // import "offt/collector-components/goffwebhookexporter"
