// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffsqsexporter // import "offt/collector-components/goffsqsexporter"

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"offt/collector-components/goffevent"
)

// Config is GOFF's sqs exporter configuration (queueUrl; the AWS settings GOFF takes from the
// AWS SDK's default chain) plus the collector's timeout, sending queue and retry settings.
type Config struct {
	TimeoutSettings           exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueBatchConfig          configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// EventType is GOFF's eventType: "feature" (default) or "tracking".
	EventType string `mapstructure:"event_type"`
	// Source is GOFF's FeatureEvent.source (default "SERVER").
	Source string `mapstructure:"source"`

	// QueueURL is GOFF's queueUrl (required).
	QueueURL string `mapstructure:"queue_url"`
	// Region overrides the AWS SDK's region (AWS_REGION, the profile, ...).
	Region string `mapstructure:"region"`
	// Endpoint overrides the SQS endpoint (LocalStack, moto, a VPC endpoint). Empty: AWS.
	Endpoint string `mapstructure:"endpoint"`
}

var _ component.Config = (*Config)(nil)

// Validate reports a configuration GOFF's sqs exporter cannot send with.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.QueueURL == "" {
		errs = append(errs, errors.New("queue_url is required (GOFF's queueUrl)"))
	}
	if err := goffevent.ValidateEventType(cfg.EventType); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
