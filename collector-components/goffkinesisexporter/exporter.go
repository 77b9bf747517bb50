// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkinesisexporter // import "offt/collector-components/goffkinesisexporter"

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/smithy-go/middleware"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	goffkinesis "github.com/thomaspoignant/go-feature-flag/exporter/kinesisexporter"
	"github.com/thomaspoignant/go-feature-flag/utils/fflog"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"offt/collector-components/goffevent"
)

// maxRecordsPerCall is Kinesis' PutRecords limit. GOFF's exporter puts all the events it is
// given in one call, so they are handed to it in chunks of this size.
const maxRecordsPerCall = 500

// kinesisExporter hands the events to GOFF's own kinesis exporter
// (github.com/thomaspoignant/go-feature-flag/exporter/kinesisexporter). GOFF only logs the
// records a PutRecords call refused; here they are read from the call's answer and given back
// to the exporterhelper, which retries them (and only them), so none is lost silently.
type kinesisExporter struct {
	cfg       *Config
	eventType goffevent.EventType
	awsConfig *aws.Config
	logger    *zap.Logger
	goffLog   *fflog.FFLogger
}

func newKinesisExporter(cfg *Config, logger *zap.Logger) *kinesisExporter {
	return &kinesisExporter{
		cfg:       cfg,
		eventType: goffevent.EventType(cfg.EventType),
		logger:    logger,
		goffLog:   &fflog.FFLogger{LeveledLogger: slog.New(zapHandler{logger})},
	}
}

// start loads the AWS configuration once (GOFF would load it on the first export).
func (e *kinesisExporter) start(ctx context.Context, _ component.Host) error {
	var opts []func(*awsconfig.LoadOptions) error
	if e.cfg.Region != "" {
		opts = append(opts, awsconfig.WithRegion(e.cfg.Region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return fmt.Errorf("goff_kinesis: AWS configuration: %w", err)
	}
	if e.cfg.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(e.cfg.Endpoint)
	}
	e.awsConfig = &cfg
	return nil
}

func (e *kinesisExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	records, events, _ := goffevent.Collect(ld, e.eventType, e.cfg.Source)
	if len(events) == 0 {
		return nil
	}
	// A GOFF exporter per export call: GOFF creates its Kinesis client lazily, unsynchronised.
	// Settings in the order GOFF's relay proxy applies them.
	goff := &goffkinesis.Exporter{
		AwsConfig:      e.awsConfig,
		KinesisOptions: []func(*kinesis.Options){capturePutRecords},
		Settings:       goffkinesis.NewSettings(goffkinesis.WithStreamArn(e.cfg.StreamArn), goffkinesis.WithStreamName(e.cfg.StreamName)),
	}
	for start, end := 0, 0; start < len(events); start = end {
		end = chunkEnd(events, start)
		answer := &putRecordsAnswer{}
		if err := goff.Export(context.WithValue(ctx, putRecordsAnswerKey{}, answer), e.goffLog, events[start:end]); err != nil {
			return consumererror.NewLogs(fmt.Errorf("goff_kinesis: %d of %d events not sent: %w", len(events)-start, len(events), err), goffevent.LogsOf(records[start:]))
		}
		out := answer.output
		if out == nil || out.FailedRecordCount == nil || *out.FailedRecordCount == 0 {
			continue
		}
		var retry []goffevent.Record
		if len(out.Records) == end-start {
			for i, r := range out.Records {
				if r.ErrorCode != nil {
					retry = append(retry, records[start+i])
				}
			}
		} else {
			// GOFF left out events of 1 MiB or more (it logs them), so the answer's order no
			// longer matches: retry the whole chunk (Kinesis consumers must expect duplicates).
			retry = append(retry, records[start:end]...)
		}
		retry = append(retry, records[end:]...)
		return consumererror.NewLogs(fmt.Errorf("goff_kinesis: Kinesis refused %d of %d records in a PutRecords call; retrying %d", *out.FailedRecordCount, end-start, len(retry)), goffevent.LogsOf(retry))
	}
	return nil
}

// maxBytesPerCall is Kinesis' PutRecords limit on a call's data plus partition keys.
const maxBytesPerCall = 5 << 20

// chunkEnd returns the end of the chunk of events that starts at start: at most
// maxRecordsPerCall events and maxBytesPerCall bytes (each event's JSON plus GOFF's partition
// key), so that no call is refused for its size and retried forever. Events GOFF skips (1 MiB
// or more) count for nothing.
func chunkEnd(events []exporter.ExportableEvent, start int) int {
	size := 0
	for i := start; i < len(events); i++ {
		if i-start == maxRecordsPerCall {
			return i
		}
		data, err := json.Marshal(events[i])
		n := len(data) + len("default")
		if err != nil || len(data) >= goffkinesis.Mb {
			n = 0
		}
		if size+n > maxBytesPerCall && i > start {
			return i
		}
		size += n
	}
	return len(events)
}

// putRecordsAnswer receives the PutRecords answer of one export call (GOFF does not return it).
type putRecordsAnswer struct{ output *kinesis.PutRecordsOutput }

type putRecordsAnswerKey struct{}

// capturePutRecords adds a middleware to GOFF's Kinesis client that hands the PutRecords
// answer to the putRecordsAnswer in the call's context.
func capturePutRecords(o *kinesis.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("offtCapturePutRecords",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if answer, ok := ctx.Value(putRecordsAnswerKey{}).(*putRecordsAnswer); ok && err == nil {
					if result, ok := out.Result.(*kinesis.PutRecordsOutput); ok {
						answer.output = result
					}
				}
				return out, md, err
			}), middleware.After)
	})
}

// zapHandler writes what GOFF's exporter logs (through its slog-based fflog) to the
// collector's logger.
type zapHandler struct{ logger *zap.Logger }

func (h zapHandler) Enabled(_ context.Context, level slog.Level) bool {
	return h.logger.Core().Enabled(zapLevel(level))
}

func (h zapHandler) Handle(_ context.Context, r slog.Record) error {
	fields := make([]zap.Field, 0, r.NumAttrs())
	r.Attrs(func(a slog.Attr) bool {
		fields = append(fields, zap.Any(a.Key, a.Value.Any()))
		return true
	})
	if ce := h.logger.Check(zapLevel(r.Level), r.Message); ce != nil {
		ce.Write(fields...)
	}
	return nil
}

func (h zapHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h zapHandler) WithGroup(string) slog.Handler      { return h }

func zapLevel(l slog.Level) zapcore.Level {
	switch {
	case l >= slog.LevelError:
		return zapcore.ErrorLevel
	case l >= slog.LevelWarn:
		return zapcore.WarnLevel
	case l >= slog.LevelInfo:
		return zapcore.InfoLevel
	}
	return zapcore.DebugLevel
}
