// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffkinesisexporter

import (
	"context"
	"encoding/base64"
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

type putRecords struct {
	StreamName string
	Records    []struct {
		Data         string
		PartitionKey string
	}
}

// kinesisEndpoint answers PutRecords (AWS JSON 1.1 protocol) like Kinesis, refusing the
// records whose data contains `refuse` (ProvisionedThroughputExceededException). It is the
// transport for GOFF's exporter in these unit tests; the real check against a Kinesis
// implementation is the end-to-end test on moto.
func kinesisEndpoint(t *testing.T, refuse string) (*httptest.Server, func() []putRecords) {
	var mu sync.Mutex
	var calls []putRecords
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var in putRecords
		require.NoError(t, json.Unmarshal(raw, &in))
		mu.Lock()
		calls = append(calls, in)
		mu.Unlock()
		failed := 0
		results := make([]string, len(in.Records))
		for i, rec := range in.Records {
			data, _ := base64.StdEncoding.DecodeString(rec.Data)
			if refuse != "" && strings.Contains(string(data), refuse) {
				failed++
				results[i] = `{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"slow down"}`
			} else {
				results[i] = fmt.Sprintf(`{"SequenceNumber":"%d","ShardId":"shardId-000000000000"}`, i)
			}
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = fmt.Fprintf(w, `{"FailedRecordCount":%d,"Records":[%s]}`, failed, strings.Join(results, ","))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []putRecords { mu.Lock(); defer mu.Unlock(); return append([]putRecords(nil), calls...) }
}

func started(t *testing.T, endpoint string) *kinesisExporter {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	cfg := createDefaultConfig().(*Config)
	cfg.StreamName = "goff-events"
	cfg.Region = "us-east-1"
	cfg.Endpoint = endpoint
	exp := newKinesisExporter(cfg, zap.NewNop())
	require.NoError(t, exp.start(context.Background(), componenttest.NewNopHost()))
	return exp
}

func TestKinesisPutsOneRecordPerEventWithGOFFsDataAndPartitionKey(t *testing.T) {
	srv, calls := kinesisEndpoint(t, "")
	exp := started(t, srv.URL)
	require.NoError(t, exp.pushLogs(context.Background(), goffeventtest.Evaluations(1_000_000, goffeventtest.Users(2)...)))
	got := calls()
	require.Len(t, got, 1)
	assert.Equal(t, "goff-events", got[0].StreamName)
	require.Len(t, got[0].Records, 2, "one record per feature event; the tracking record is not this exporter's")
	for i, rec := range got[0].Records {
		want, err := json.Marshal(exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: fmt.Sprintf("user-%d", i), CreationDate: int64(1_700_000_000 + i), Key: "new-checkout", Variation: "on", Value: float64(1_000_000), Source: "SERVER"})
		require.NoError(t, err)
		data, err := base64.StdEncoding.DecodeString(rec.Data)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(data))
		assert.Equal(t, "default", rec.PartitionKey, "GOFF's partition key")
	}
}

func TestKinesisPutsAtMost500RecordsPerCall(t *testing.T) {
	srv, calls := kinesisEndpoint(t, "")
	exp := started(t, srv.URL)
	require.NoError(t, exp.pushLogs(context.Background(), goffeventtest.Evaluations(1_000_000, goffeventtest.Users(1201)...)))
	sizes := []int{}
	for _, c := range calls() {
		sizes = append(sizes, len(c.Records))
	}
	assert.Equal(t, []int{500, 500, 201}, sizes)
}

func TestKinesisRefusedRecordsAreGivenBackForRetryNotLost(t *testing.T) {
	srv, _ := kinesisEndpoint(t, `"user-1"`)
	exp := started(t, srv.URL)
	err := exp.pushLogs(context.Background(), goffeventtest.Evaluations(1_000_000, goffeventtest.Users(3)...))
	require.Error(t, err, "GOFF only logs refused records; the exporter must not report success")
	assert.False(t, consumererror.IsPermanent(err))
	var partial consumererror.Logs
	require.True(t, errors.As(err, &partial))
	left := partial.Data()
	require.Equal(t, 1, left.LogRecordCount(), "only the refused record is retried")
	user, _ := left.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get("feature_flag.context.id")
	assert.Equal(t, "user-1", user.Str())
}

func TestKinesisKeepsEachCallUnder5MiB(t *testing.T) {
	srv, calls := kinesisEndpoint(t, "")
	exp := started(t, srv.URL)
	ld := goffeventtest.Evaluations(1_000_000, goffeventtest.Users(12)...)
	big := strings.Repeat("x", 600<<10) // 12 events of 600 KiB: 7.2 MiB in all
	for _, lr := range ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().All() {
		lr.Attributes().PutStr("feature_flag.version", big)
	}
	require.NoError(t, exp.pushLogs(context.Background(), ld))
	sizes := []int{}
	for _, c := range calls() {
		sizes = append(sizes, len(c.Records))
	}
	assert.Equal(t, []int{8, 4}, sizes, "8 x 600 KiB fit in 5 MiB, a ninth does not")
}
