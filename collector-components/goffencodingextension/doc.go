// Package goffencodingextension is a collector encoding extension (`goff_encoding`) that
// writes `feature_flag.evaluation` or `openfeature.tracking` log records as GO Feature Flag's
// exporters write them: GOFF's own event structs and GOFF's own JSON, CSV and Parquet code
// (github.com/thomaspoignant/go-feature-flag v1.55.2). Any exporter that takes a logs
// encoding extension carries it: file, awss3, google_cloud_storage, azure_blob, kafka.
package goffencodingextension // import "offt/collector-components/goffencodingextension"
