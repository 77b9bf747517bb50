// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffwebhookexporter // import "offt/collector-components/goffwebhookexporter"

import (
	"errors"
	"fmt"
	"net/url"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"offt/collector-components/goffevent"
)

// Config is GOFF's webhook exporter configuration (endpointUrl, secret, meta, headers) plus
// the collector's own timeout, sending queue (GOFF's flushInterval / maxEventInMemory become
// sending_queue.batch flush_timeout / max_size) and retry settings.
type Config struct {
	TimeoutSettings           exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueBatchConfig          configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// EventType is GOFF's exporter eventType: "feature" (default) sends the
	// feature_flag.evaluation records, "tracking" the openfeature.tracking records; records of
	// the other kind are left out (GOFF gives each exporter one event type).
	EventType string `mapstructure:"event_type"`
	// Source is GOFF's FeatureEvent.source (default "SERVER", see goffevent.DefaultSource).
	Source string `mapstructure:"source"`

	// EndpointURL is GOFF's endpointUrl: every batch is POSTed there as
	// {"meta":{...},"events":[...]} (required).
	EndpointURL string `mapstructure:"endpoint_url"`
	// Secret is GOFF's secret: when set, the body is signed with HMAC-SHA256 and sent as
	// X-Hub-Signature-256: sha256=<hex>. Never logged.
	Secret configopaque.String `mapstructure:"secret"`
	// Meta is GOFF's meta, sent as the body's "meta" object; GOFF adds "hostname" (this
	// machine's) unless it is set here.
	Meta map[string]string `mapstructure:"meta"`
	// Headers is GOFF's headers: extra request headers (one value each). Never logged.
	Headers map[string]configopaque.String `mapstructure:"headers"`
}

var _ component.Config = (*Config)(nil)

// Validate reports a configuration GOFF's webhook exporter cannot send with.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.EndpointURL == "" {
		errs = append(errs, errors.New("endpoint_url is required (GOFF's endpointUrl)"))
	} else if u, err := url.Parse(cfg.EndpointURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("endpoint_url %q must be an absolute http(s) URL", cfg.EndpointURL))
	}
	if err := goffevent.ValidateEventType(cfg.EventType); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
