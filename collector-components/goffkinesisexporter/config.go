// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkinesisexporter // import "offt/collector-components/goffkinesisexporter"

import (
	"errors"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter/exporterhelper"

	"offt/collector-components/goffevent"
)

// Config is GOFF's kinesis exporter configuration (streamName or streamArn; the AWS settings
// GOFF takes from the AWS SDK's default chain) plus the collector's timeout, sending queue and
// retry settings.
type Config struct {
	TimeoutSettings           exporterhelper.TimeoutConfig                             `mapstructure:",squash"`
	QueueBatchConfig          configoptional.Optional[exporterhelper.QueueBatchConfig] `mapstructure:"sending_queue"`
	configretry.BackOffConfig `mapstructure:"retry_on_failure"`

	// EventType is GOFF's eventType: "feature" (default) or "tracking".
	EventType string `mapstructure:"event_type"`
	// Source is GOFF's FeatureEvent.source (default "SERVER").
	Source string `mapstructure:"source"`

	// StreamName is GOFF's streamName and StreamArn its streamArn; as in GOFF's relay proxy, the
	// name wins when both are set.
	StreamName string `mapstructure:"stream_name"`
	StreamArn  string `mapstructure:"stream_arn"`
	// Region overrides the AWS SDK's region (AWS_REGION, the profile, ...).
	Region string `mapstructure:"region"`
	// Endpoint overrides the Kinesis endpoint (LocalStack, moto, a VPC endpoint). Empty: AWS.
	Endpoint string `mapstructure:"endpoint"`
}

var _ component.Config = (*Config)(nil)

// Validate reports a configuration GOFF's kinesis exporter cannot send with.
func (cfg *Config) Validate() error {
	var errs []error
	if cfg.StreamName == "" && cfg.StreamArn == "" {
		errs = append(errs, errors.New("stream_name or stream_arn is required (GOFF's streamName / streamArn)"))
	}
	if err := goffevent.ValidateEventType(cfg.EventType); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
