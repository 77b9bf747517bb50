// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkafkaexporter // import "offt/collector-components/goffkafkaexporter"

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"offt/collector-components/goffevent"
)

// Config is GOFF's kafka exporter configuration (kafka.topic, kafka.addresses and the sarama
// settings most deployments need: TLS, SASL PLAIN) plus the collector's timeout, sending queue
// and retry settings.
type Config struct {
	TimeoutSettings           exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueBatchConfig          configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// EventType is GOFF's eventType: "feature" (default) or "tracking".
	EventType string `mapstructure:"event_type"`
	// Source is GOFF's FeatureEvent.source (default "SERVER").
	Source string `mapstructure:"source"`

	// Brokers is GOFF's kafka.addresses (required).
	Brokers []string `mapstructure:"brokers"`
	// Topic is GOFF's kafka.topic (required).
	Topic string `mapstructure:"topic"`
	// ClientID is sarama's client id (default "sarama", as in GOFF).
	ClientID string `mapstructure:"client_id"`
	// TLS turns TLS on for the broker connections when set.
	TLS configoptional.Optional[configtls.ClientConfig] `mapstructure:"tls"`
	// SASL PLAIN credentials; both empty: no SASL. Never logged.
	SASL SASLConfig `mapstructure:"sasl"`
}

// SASLConfig is SASL PLAIN authentication.
type SASLConfig struct {
	Username string              `mapstructure:"username"`
	Password configopaque.String `mapstructure:"password"`
}

var _ component.Config = (*Config)(nil)

// Validate reports a configuration GOFF's kafka exporter cannot send with.
func (cfg *Config) Validate() error {
	var errs []error
	if len(cfg.Brokers) == 0 {
		errs = append(errs, errors.New("brokers is required (GOFF's kafka.addresses)"))
	}
	if cfg.Topic == "" {
		errs = append(errs, errors.New("topic is required (GOFF's kafka.topic)"))
	}
	if (cfg.SASL.Username == "") != (cfg.SASL.Password == "") {
		errs = append(errs, errors.New("sasl: set both username and password, or neither"))
	}
	if err := goffevent.ValidateEventType(cfg.EventType); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
