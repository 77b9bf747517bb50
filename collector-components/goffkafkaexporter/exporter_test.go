// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkafkaexporter

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"
)

func evaluations(n int) plog.Logs {
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < n; i++ {
		lr := lrs.AppendEmpty()
		lr.SetEventName("feature_flag.evaluation")
		lr.SetTimestamp(pcommon.Timestamp(uint64(1_700_000_000) * 1e9))
		lr.Attributes().PutStr("feature_flag.key", "new-checkout")
		lr.Attributes().PutStr("feature_flag.context.id", fmt.Sprintf("user-%d", i))
		lr.Attributes().PutBool("feature_flag.result.value", true)
	}
	lrs.AppendEmpty().SetEventName("openfeature.tracking")
	return ld
}

// refusedAs builds the ProducerErrors sarama returns for events i (as GOFF builds the messages:
// key userKey, value json.Marshal of the event).
func refusedAs(t *testing.T, exp *kafkaExporter, ld plog.Logs, errs map[int]error) sarama.ProducerErrors {
	_, events := collect(ld, exp.eventType, "")
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
	ld := evaluations(4)
	records, events := collect(ld, exp.eventType, "")
	require.Len(t, events, 4, "the tracking record is not this exporter's")
	retry, dropped, ok := exp.sortOut(records, events, refusedAs(t, exp, ld, map[int]error{1: sarama.ErrNotLeaderForPartition, 3: sarama.ErrRequestTimedOut}))
	require.True(t, ok)
	assert.Zero(t, dropped)
	users := []string{}
	for _, r := range retry {
		v, _ := r.lr.Attributes().Get("feature_flag.context.id")
		users = append(users, v.Str())
	}
	assert.ElementsMatch(t, []string{"user-1", "user-3"}, users)
}

func TestMessageTooLargeIsDroppedNotRetriedForever(t *testing.T) {
	exp := newKafkaExporter(createDefaultConfig().(*Config), zap.NewNop())
	ld := evaluations(3)
	records, events := collect(ld, exp.eventType, "")
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
	records, events := collect(evaluations(2), exp.eventType, "")
	_, _, ok := exp.sortOut(records, events, sarama.ProducerErrors{{Msg: &sarama.ProducerMessage{Value: sarama.StringEncoder("other")}, Err: sarama.ErrRequestTimedOut}})
	assert.False(t, ok)
}
