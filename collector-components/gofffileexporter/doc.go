// Package gofffileexporter is GO Feature Flag's file exporter inside the collector (`goff_file`):
// each flush of the sending queue becomes one call of GOFF's own exporter/fileexporter (v1.55.2),
// so the files are GOFF's, names included (flag-variation-{{ .Hostname}}-{{ .Timestamp}}.{{ .Format}}),
// in every GOFF format: json, csv and parquet. The collector's own file exporter appends to one
// file and cannot hold Parquet files, which need one file per flush.
package gofffileexporter // import "offt/collector-components/gofffileexporter"
