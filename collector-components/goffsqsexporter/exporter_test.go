// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffsqsexporter

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.uber.org/zap"

	"offt/collector-components/goffevent/goffeventtest"
)

// sqsEndpoint answers SendMessage (AWS JSON 1.0 protocol) like SQS; after `okCount` messages
// it fails every further one with 500 InternalError, and a body containing "too-long" with
// 400 InvalidParameterValue (what SQS answers for a message over 256 KiB). It is the transport for GOFF's exporter in these unit
// tests; the real check against an SQS implementation is the end-to-end test on moto.
func sqsEndpoint(t *testing.T, okCount int) (*httptest.Server, func() []map[string]any) {
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var in map[string]any
		_ = json.Unmarshal(raw, &in)
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if strings.Contains(in["MessageBody"].(string), "too-long") {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"com.amazonaws.sqs#InvalidParameterValue","message":"One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes."}`))
			return
		}
		if len(bodies) >= okCount {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"__type":"com.amazonaws.sqs#InternalError","message":"try again"}`))
			return
		}
		bodies = append(bodies, in)
		sum := md5.Sum([]byte(in["MessageBody"].(string)))
		_, _ = fmt.Fprintf(w, `{"MessageId":"m-%d","MD5OfMessageBody":"%s"}`, len(bodies), hex.EncodeToString(sum[:]))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []map[string]any { mu.Lock(); defer mu.Unlock(); return append([]map[string]any(nil), bodies...) }
}

func started(t *testing.T, endpoint string) *sqsExporter {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg := createDefaultConfig().(*Config)
	cfg.QueueURL = endpoint + "/123456789012/goff"
	cfg.Region = "us-east-1"
	cfg.Endpoint = endpoint
	exp := newSQSExporter(cfg, zap.NewNop())
	require.NoError(t, exp.start(context.Background(), componenttest.NewNopHost()))
	return exp
}

func TestSQSSendsOneMessagePerEventWithGOFFsBody(t *testing.T) {
	srv, bodies := sqsEndpoint(t, 100)
	exp := started(t, srv.URL)
	require.NoError(t, exp.pushLogs(context.Background(), goffeventtest.Evaluations(1e-7, "user-1", "user-2")))
	got := bodies()
	require.Len(t, got, 2, "one message per feature event; the tracking record is not this exporter's")
	for i, user := range []string{"user-1", "user-2"} {
		want, err := json.Marshal(exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: user, CreationDate: int64(1_700_000_000 + i), Key: "new-checkout", Variation: "on", Value: 1e-7, Source: "SERVER"})
		require.NoError(t, err)
		assert.Equal(t, string(want), got[i]["MessageBody"])
		assert.Equal(t, srv.URL+"/123456789012/goff", got[i]["QueueUrl"])
		assert.Equal(t, map[string]any{"emitter": map[string]any{"DataType": "String", "StringValue": "GO Feature Flag"}}, got[i]["MessageAttributes"])
	}
}

func TestSQSFailureGivesBackOnlyTheEventsNotSent(t *testing.T) {
	srv, bodies := sqsEndpoint(t, 1)
	exp := started(t, srv.URL)
	err := exp.pushLogs(context.Background(), goffeventtest.Evaluations(1e-7, "user-1", "user-2", "user-3"))
	require.Error(t, err)
	assert.False(t, consumererror.IsPermanent(err), "a refused message is retried")
	var partial consumererror.Logs
	require.True(t, errors.As(err, &partial))
	left := partial.Data()
	require.Equal(t, 2, left.LogRecordCount(), "user-1 was sent; user-2 and user-3 are retried, nothing twice")
	user, _ := left.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get("feature_flag.context.id")
	assert.Equal(t, "user-2", user.Str())
	assert.Len(t, bodies(), 1)
}

func TestSQSEventItRefusesIsDroppedWithoutBlockingTheOthers(t *testing.T) {
	srv, bodies := sqsEndpoint(t, 100)
	exp := started(t, srv.URL)
	require.NoError(t, exp.pushLogs(context.Background(), goffeventtest.Evaluations(1e-7, "user-1", "too-long", "user-3")))
	got := bodies()
	require.Len(t, got, 2, "the refused message is dropped, the events after it are sent")
	assert.Contains(t, got[1]["MessageBody"], `"userKey":"user-3"`)
}
