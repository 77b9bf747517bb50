// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffwebhookexporter // import "offt/collector-components/goffwebhookexporter"

import (
	"context"
	"maps"
	"os"

	goffwebhook "github.com/thomaspoignant/go-feature-flag/exporter/webhookexporter"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent"
)

// webhookExporter hands each batch to GOFF's own webhook exporter
// (github.com/thomaspoignant/go-feature-flag/exporter/webhookexporter), so the body
// ({"meta":{...},"events":[...]}, json.Marshal of GOFF's events) and the
// X-Hub-Signature-256 header are GOFF's by construction. The collector's exporterhelper in
// front of it gives the batching, the (persistent) sending queue and the retries.
type webhookExporter struct {
	cfg       *Config
	eventType goffevent.EventType
	meta      map[string]string
	headers   map[string][]string
	logger    *zap.Logger
}

func newWebhookExporter(cfg *Config, logger *zap.Logger) *webhookExporter {
	meta := maps.Clone(cfg.Meta)
	if meta == nil {
		meta = map[string]string{}
	}
	// GOFF fills in the hostname on first use; doing it here keeps the map read-only
	// afterwards, so concurrent exports can share it.
	if _, ok := meta["hostname"]; !ok {
		meta["hostname"], _ = os.Hostname()
	}
	headers := make(map[string][]string, len(cfg.Headers))
	for k, v := range cfg.Headers {
		headers[k] = []string{string(v)}
	}
	return &webhookExporter{cfg: cfg, eventType: goffevent.EventType(cfg.EventType), meta: meta, headers: headers, logger: logger}
}

// pushLogs POSTs the batch's events of the configured type in one request, as GOFF does on
// each flush. A failed request (network error or HTTP status >= 400) fails the whole batch,
// which the exporterhelper retries; nothing was delivered, so a retry duplicates nothing.
func (e *webhookExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	events, skipped := goffevent.Events(ld, e.eventType, e.cfg.Source)
	if skipped > 0 && e.logger.Core().Enabled(zap.DebugLevel) {
		e.logger.Debug("records of another event type left out", zap.Int("records", skipped), zap.String("event_type", string(e.eventType)))
	}
	if len(events) == 0 {
		return nil
	}
	// GOFF's exporter writes Content-Type and the signature into its Headers map, so every
	// request gets its own exporter and its own copy of the headers.
	goff := &goffwebhook.Exporter{
		EndpointURL: e.cfg.EndpointURL,
		Secret:      string(e.cfg.Secret),
		Meta:        e.meta,
		Headers:     cloneHeaders(e.headers),
	}
	return goff.Export(ctx, nil, events)
}

func cloneHeaders(h map[string][]string) map[string][]string {
	out := make(map[string][]string, len(h)+2)
	for k, v := range h {
		out[k] = v
	}
	return out
}
