// Copyright The openfeature-otel-tracking Authors
// SPDX-License-Identifier: Apache-2.0

package goffwebhookexporter

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/thomaspoignant/go-feature-flag/exporter"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.uber.org/zap"

	"offt/collector-components/goffevent/goffeventtest"
)

type hit struct {
	header http.Header
	body   []byte
}

func startReceiver(t *testing.T, status int) (*httptest.Server, func() []hit) {
	var mu sync.Mutex
	var hits []hit
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		hits = append(hits, hit{r.Header.Clone(), body})
		mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []hit { mu.Lock(); defer mu.Unlock(); return append([]hit(nil), hits...) }
}

// records: two evaluations and one tracking call, as the library writes them.
func records() plog.Logs {
	ld := goffeventtest.Evaluations(true, "user-1", "user-<2>")
	lrs := ld.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	lr := lrs.At(lrs.Len() - 1)
	lr.SetTimestamp(pcommon.Timestamp(1_700_000_005 * 1e9))
	lr.Attributes().PutStr("feature_flag.context.id", "user-1")
	lr.Attributes().PutStr("openfeature.tracking.name", "purchased")
	lr.Attributes().PutDouble("openfeature.tracking.value", 12.5)
	return ld
}

func sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestWebhookSendsGOFFsBodyAndAValidSignature(t *testing.T) {
	srv, hits := startReceiver(t, http.StatusOK)
	cfg := createDefaultConfig().(*Config)
	cfg.EndpointURL = srv.URL + "/hook"
	cfg.Secret = configopaque.String("s3cr3t")
	cfg.Meta = map[string]string{"hostname": "collector-1", "env": "prod"}
	cfg.Headers = map[string]configopaque.String{"Authorization": "Bearer xyz"}
	exp := newWebhookExporter(cfg, zap.NewNop())

	require.NoError(t, exp.pushLogs(context.Background(), records()))

	got := hits()
	require.Len(t, got, 1, "one POST per batch, as GOFF sends on each flush")
	assert.Equal(t, sign(got[0].body, "s3cr3t"), got[0].header.Get("X-Hub-Signature-256"))
	assert.Equal(t, "application/json", got[0].header.Get("Content-Type"))
	assert.Equal(t, "Bearer xyz", got[0].header.Get("Authorization"))
	// The oracle is GOFF's own struct: {"meta":...,"events":[FeatureEvent...]} through encoding/json.
	want, err := json.Marshal(struct {
		Meta   map[string]string          `json:"meta"`
		Events []exporter.ExportableEvent `json:"events"`
	}{cfg.Meta, []exporter.ExportableEvent{
		exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: "user-1", CreationDate: 1_700_000_000, Key: "new-checkout", Variation: "on", Value: true, Source: "SERVER"},
		exporter.FeatureEvent{Kind: "feature", ContextKind: "user", UserKey: "user-<2>", CreationDate: 1_700_000_001, Key: "new-checkout", Variation: "on", Value: true, Source: "SERVER"},
	}})
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got[0].body))
}

func TestWebhookWithoutSecretSendsNoSignatureAndAddsTheHostname(t *testing.T) {
	srv, hits := startReceiver(t, http.StatusOK)
	cfg := createDefaultConfig().(*Config)
	cfg.EndpointURL = srv.URL
	cfg.EventType = "tracking"
	exp := newWebhookExporter(cfg, zap.NewNop())
	require.NoError(t, exp.pushLogs(context.Background(), records()))
	got := hits()
	require.Len(t, got, 1)
	assert.Empty(t, got[0].header.Get("X-Hub-Signature-256"))
	var body struct {
		Meta   map[string]string `json:"meta"`
		Events []map[string]any  `json:"events"`
	}
	require.NoError(t, json.Unmarshal(got[0].body, &body))
	assert.NotEmpty(t, body.Meta["hostname"], "GOFF adds this machine's hostname to meta")
	require.Len(t, body.Events, 1, "a tracking exporter sends only the tracking records")
	assert.Equal(t, "tracking", body.Events[0]["kind"])
	assert.Equal(t, map[string]any{"value": 12.5}, body.Events[0]["trackingEventDetails"])
}

func TestWebhookSendsNothingWhenNoRecordIsOfItsType(t *testing.T) {
	srv, hits := startReceiver(t, http.StatusOK)
	cfg := createDefaultConfig().(*Config)
	cfg.EndpointURL = srv.URL
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().SetEventName("other")
	require.NoError(t, newWebhookExporter(cfg, zap.NewNop()).pushLogs(context.Background(), ld))
	assert.Empty(t, hits())
}

func TestWebhookErrorStatusFailsTheBatchSoItIsRetried(t *testing.T) {
	srv, _ := startReceiver(t, http.StatusServiceUnavailable)
	cfg := createDefaultConfig().(*Config)
	cfg.EndpointURL = srv.URL
	assert.ErrorContains(t, newWebhookExporter(cfg, zap.NewNop()).pushLogs(context.Background(), records()), "HTTP Code 503")
}

// Through the factory and the exporterhelper: the queue batches and a failed POST is retried
// until it succeeds, with every event delivered exactly once.
func TestWebhookThroughTheExporterHelperRetriesUntilDelivered(t *testing.T) {
	var mu sync.Mutex
	fail := 2
	var delivered []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var payload struct{ Events []map[string]any }
		_ = json.Unmarshal(body, &payload)
		delivered = append(delivered, payload.Events...)
	}))
	t.Cleanup(srv.Close)
	cfg := createDefaultConfig().(*Config)
	cfg.EndpointURL = srv.URL
	cfg.BackOffConfig.InitialInterval = 10 * time.Millisecond
	cfg.BackOffConfig.MaxInterval = 20 * time.Millisecond
	cfg.QueueBatchConfig.GetOrInsertDefault().Batch.GetOrInsertDefault().FlushTimeout = 50 * time.Millisecond
	exp, err := NewFactory().CreateLogs(context.Background(), exportertest.NewNopSettings(Type), cfg)
	require.NoError(t, err)
	require.NoError(t, exp.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, exp.ConsumeLogs(context.Background(), records()))
	assert.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(delivered) == 2 }, 10*time.Second, 20*time.Millisecond)
	require.NoError(t, exp.Shutdown(context.Background()))
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, delivered, 2)
}

// The exporterhelper runs several consumers at once: every concurrent request must carry its own
// valid signature (GOFF writes the signature into its Headers map, so requests must not share it).
func TestWebhookConcurrentExportsEachSignTheirOwnBody(t *testing.T) {
	srv, hits := startReceiver(t, http.StatusOK)
	cfg := createDefaultConfig().(*Config)
	cfg.EndpointURL = srv.URL
	cfg.Secret = configopaque.String("s3cr3t")
	cfg.Headers = map[string]configopaque.String{"Authorization": "Bearer xyz"}
	exp := newWebhookExporter(cfg, zap.NewNop())
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, exp.pushLogs(context.Background(), records()))
		}()
	}
	wg.Wait()
	got := hits()
	require.Len(t, got, 16)
	for _, h := range got {
		assert.Equal(t, sign(h.body, "s3cr3t"), h.header.Get("X-Hub-Signature-256"))
		assert.Equal(t, "Bearer xyz", h.header.Get("Authorization"))
	}
}
