// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffsqsexporter // import "offt/collector-components/goffsqsexporter"

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	goffsqs "github.com/thomaspoignant/go-feature-flag/exporter/sqsexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent"
)

// sqsExporter hands the events to GOFF's own sqs exporter
// (github.com/thomaspoignant/go-feature-flag/exporter/sqsexporter), one event per call, so that
// when a SendMessage fails only that event and the ones after it are given back to the
// exporterhelper for retry: the messages already sent are not sent twice.
type sqsExporter struct {
	cfg       *Config
	eventType goffevent.EventType
	awsConfig *aws.Config
	logger    *zap.Logger
}

func newSQSExporter(cfg *Config, logger *zap.Logger) *sqsExporter {
	return &sqsExporter{cfg: cfg, eventType: goffevent.EventType(cfg.EventType), logger: logger}
}

// start loads the AWS configuration once (GOFF would load it on the first export).
func (e *sqsExporter) start(ctx context.Context, _ component.Host) error {
	var opts []func(*awsconfig.LoadOptions) error
	if e.cfg.Region != "" {
		opts = append(opts, awsconfig.WithRegion(e.cfg.Region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return fmt.Errorf("goff_sqs: AWS configuration: %w", err)
	}
	if e.cfg.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(e.cfg.Endpoint)
	}
	e.awsConfig = &cfg
	return nil
}

func (e *sqsExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	records, events, _ := goffevent.Collect(ld, e.eventType, e.cfg.Source)
	if len(events) == 0 {
		return nil
	}
	// A GOFF exporter per export call: GOFF creates its SQS client lazily, unsynchronised.
	goff := &goffsqs.Exporter{QueueURL: e.cfg.QueueURL, AwsConfig: e.awsConfig}
	refused := 0
	for i, event := range events {
		err := goff.Export(ctx, nil, []exporter.ExportableEvent{event})
		if err == nil {
			continue
		}
		if refusesMessage(err) {
			// SQS will never take this message (e.g. over 256 KiB): retrying it would block
			// every event behind it, so it is dropped and counted here.
			refused++
			e.logger.Error("goff_sqs: SQS refused an event's message; event dropped", zap.Error(err))
			continue
		}
		return consumererror.NewLogs(fmt.Errorf("goff_sqs: %d of %d events not sent: %w", len(events)-i, len(events), err), goffevent.LogsOf(records[i:]))
	}
	if refused > 0 {
		e.logger.Error("goff_sqs: events dropped because SQS refused their message", zap.Int("dropped", refused), zap.Int("sent", len(events)-refused))
	}
	return nil
}

// refusesMessage reports an SQS error about the message itself, which no retry can fix. Other
// errors (throttling, network, credentials, a missing queue) are retried.
func refusesMessage(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "InvalidParameterValue", "InvalidMessageContents", "AWS.SimpleQueueService.InvalidMessageContents", "MessageTooLong":
		return true
	}
	return false
}
