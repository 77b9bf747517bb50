// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkafkaexporter // import "offt/collector-components/goffkafkaexporter"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/IBM/sarama"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	goffkafka "github.com/thomaspoignant/go-feature-flag/exporter/kafkaexporter"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent"
)

// kafkaExporter hands each batch to one instance of GOFF's own kafka exporter
// (github.com/thomaspoignant/go-feature-flag/exporter/kafkaexporter). GOFF creates its producer
// on the first export without synchronisation, so exports are serialised; each is one
// synchronous produce call for the whole batch. Messages the brokers refused are given back to
// the exporterhelper for retry, and only them; a message larger than the producer's limit is
// dropped and logged, so it cannot block the others.
type kafkaExporter struct {
	cfg       *Config
	eventType goffevent.EventType
	logger    *zap.Logger

	mu   sync.Mutex
	goff *goffkafka.Exporter
}

func newKafkaExporter(cfg *Config, logger *zap.Logger) *kafkaExporter {
	return &kafkaExporter{cfg: cfg, eventType: goffevent.EventType(cfg.EventType), logger: logger}
}

// start builds the sarama configuration GOFF's exporter takes (kafka.Settings embeds it).
func (e *kafkaExporter) start(ctx context.Context, _ component.Host) error {
	sc := sarama.NewConfig()
	// What GOFF sets when it builds the configuration itself: its producer is synchronous.
	sc.Producer.Return.Successes = true
	if e.cfg.ClientID != "" {
		sc.ClientID = e.cfg.ClientID
	}
	if tlsCfg := e.cfg.TLS.Get(); tlsCfg != nil {
		t, err := tlsCfg.LoadTLSConfig(ctx)
		if err != nil {
			return fmt.Errorf("goff_kafka: tls: %w", err)
		}
		sc.Net.TLS.Enable = true
		sc.Net.TLS.Config = t
	}
	if e.cfg.SASL.Username != "" {
		sc.Net.SASL.Enable = true
		sc.Net.SASL.Mechanism = sarama.SASLTypePlaintext
		sc.Net.SASL.User = e.cfg.SASL.Username
		sc.Net.SASL.Password = string(e.cfg.SASL.Password)
	}
	e.goff = &goffkafka.Exporter{Settings: goffkafka.Settings{Topic: e.cfg.Topic, Addresses: e.cfg.Brokers, Config: sc}}
	return nil
}

func (e *kafkaExporter) pushLogs(ctx context.Context, ld plog.Logs) error {
	records, events, _ := goffevent.Collect(ld, e.eventType, e.cfg.Source)
	if len(events) == 0 {
		return nil
	}
	e.mu.Lock()
	err := e.goff.Export(ctx, nil, events)
	e.mu.Unlock()
	if err == nil {
		return nil
	}
	var refused sarama.ProducerErrors
	if !errors.As(err, &refused) {
		return fmt.Errorf("goff_kafka: %w", err) // nothing known to be sent: the batch is retried whole
	}
	retry, dropped, ok := e.sortOut(records, events, refused)
	if !ok {
		return fmt.Errorf("goff_kafka: %w", err)
	}
	if dropped > 0 {
		e.logger.Error("goff_kafka: events dropped: their message is larger than the producer accepts", zap.Int("dropped", dropped))
	}
	if len(retry) == 0 {
		return nil
	}
	return consumererror.NewLogs(fmt.Errorf("goff_kafka: %d of %d messages refused: %w", len(retry), len(events), err), goffevent.LogsOf(retry))
}

// sortOut finds the records of the refused messages (by their value, which is json.Marshal of
// the event, as GOFF builds it): those too large for the producer are dropped, the others
// retried. ok is false when a message cannot be traced back to its event.
func (e *kafkaExporter) sortOut(records []goffevent.Record, events []exporter.ExportableEvent, refused sarama.ProducerErrors) (retry []goffevent.Record, dropped int, ok bool) {
	byValue := make(map[string][]int, len(events))
	for i, event := range events {
		value, err := json.Marshal(event)
		if err != nil {
			return nil, 0, false
		}
		byValue[string(value)] = append(byValue[string(value)], i)
	}
	for _, pe := range refused {
		if pe == nil || pe.Msg == nil || pe.Msg.Value == nil {
			return nil, 0, false
		}
		value, err := pe.Msg.Value.Encode()
		if err != nil || len(byValue[string(value)]) == 0 {
			return nil, 0, false
		}
		i := byValue[string(value)][0]
		byValue[string(value)] = byValue[string(value)][1:]
		var cfgErr sarama.ConfigurationError
		if errors.Is(pe.Err, sarama.ErrMessageSizeTooLarge) || errors.As(pe.Err, &cfgErr) {
			dropped++
			continue
		}
		retry = append(retry, records[i])
	}
	return retry, dropped, true
}
