// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkafkaexporter

import (
	"encoding/json"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent"
	"offt/collector-components/goffevent/goffeventtest"
)

// refusedAs builds the ProducerErrors sarama returns for events i (as GOFF builds the messages:
// key userKey, value json.Marshal of the event).
func refusedAs(t *testing.T, exp *kafkaExporter, ld plog.Logs, errs map[int]error) sarama.ProducerErrors {
	_, events, _ := goffevent.Collect(ld, exp.eventType, "")
	var out sarama.ProducerErrors
	for i, err := range errs {
		value, merr := json.Marshal(events[i])
		require.NoError(t, merr)
		out = append(out, &sarama.ProducerError{Msg: &sarama.ProducerMessage{Key: sarama.StringEncoder(events[i].GetUserKey()), Value: sarama.ByteEncoder(value)}, Err: err})
	}
	return out
}

func TestRefusedMessagesAreRetriedAndOnlyThem(t *testing.T) {
	exp := newKafkaExporter(createDefaultConfig().(*Config), zap.NewNop())
	ld := goffeventtest.Evaluations(true, goffeventtest.Users(4)...)
	records, events, _ := goffevent.Collect(ld, exp.eventType, "")
	require.Len(t, events, 4, "the tracking record is not this exporter's")
	retry, dropped, ok := exp.sortOut(records, events, refusedAs(t, exp, ld, map[int]error{1: sarama.ErrNotLeaderForPartition, 3: sarama.ErrRequestTimedOut}))
	require.True(t, ok)
	assert.Zero(t, dropped)
	users := []string{}
	for _, r := range retry {
		v, _ := r.Log.Attributes().Get("feature_flag.context.id")
		users = append(users, v.Str())
	}
	assert.ElementsMatch(t, []string{"user-1", "user-3"}, users)
}

func TestMessageTooLargeIsDroppedNotRetriedForever(t *testing.T) {
	exp := newKafkaExporter(createDefaultConfig().(*Config), zap.NewNop())
	ld := goffeventtest.Evaluations(true, goffeventtest.Users(3)...)
	records, events, _ := goffevent.Collect(ld, exp.eventType, "")
	retry, dropped, ok := exp.sortOut(records, events, refusedAs(t, exp, ld, map[int]error{
		0: sarama.ConfigurationError("Attempt to produce message larger than configured Producer.MaxMessageBytes"),
		2: sarama.ErrMessageSizeTooLarge,
	}))
	require.True(t, ok)
	assert.Equal(t, 2, dropped)
	assert.Empty(t, retry)
}

func TestAMessageThatIsNoEventOfTheBatchRetriesTheWholeBatch(t *testing.T) {
	exp := newKafkaExporter(createDefaultConfig().(*Config), zap.NewNop())
	records, events, _ := goffevent.Collect(goffeventtest.Evaluations(true, goffeventtest.Users(2)...), exp.eventType, "")
	_, _, ok := exp.sortOut(records, events, sarama.ProducerErrors{{Msg: &sarama.ProducerMessage{Value: sarama.StringEncoder("other")}, Err: sarama.ErrRequestTimedOut}})
	assert.False(t, ok)
}
