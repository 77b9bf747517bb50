// Command gofforacle checks files a collector wrote against what GO Feature Flag's own code
// writes for the same calls (see internal/gofforacle). Used by test/e2e/goff-file-pipelines.test.ts:
//
//	go run ./cmd/gofforacle -corpus corpus.json -feature-json feature-events.ndjson \
//	  -feature-csv feature-events.csv -tracking-json tracking-events.ndjson
//
// It prints one summary line per file and every differing line, and exits 1 on any difference.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"offt/collector-components/goffencodingextension/internal/gofforacle"
)

func main() {
	corpusPath := flag.String("corpus", "", "corpus JSON (evaluations and tracks)")
	featureJSON := flag.String("feature-json", "", "feature events the collector wrote as JSON lines")
	featureCSV := flag.String("feature-csv", "", "feature events the collector wrote as CSV lines")
	csvTemplate := flag.String("csv-template", "", "GOFF csvTemplate (default GOFF's)")
	trackingJSON := flag.String("tracking-json", "", "tracking events the collector wrote as JSON lines")
	featureParquet := flag.String("feature-parquet-dir", "", "directory of GOFF Parquet files of feature events the collector wrote")
	trackingParquet := flag.String("tracking-parquet-dir", "", "directory of GOFF Parquet files of tracking events the collector wrote")
	flag.Parse()
	corpus, err := gofforacle.ReadCorpus(*corpusPath)
	if err != nil {
		fail(err)
	}
	ok := true
	check := func(name, path string, expected []string, err error) {
		if path == "" {
			return
		}
		if err != nil {
			fail(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		report, same := gofforacle.Report(name, expected, gofforacle.SplitLines(b))
		fmt.Print(report)
		ok = ok && same
	}
	lines, err := gofforacle.FeatureLines(corpus, "json", "")
	check("feature json", *featureJSON, lines, err)
	lines, err = gofforacle.FeatureLines(corpus, "csv", *csvTemplate)
	check("feature csv", *featureCSV, lines, err)
	lines, err = gofforacle.TrackingLines(corpus)
	check("tracking json", *trackingJSON, lines, err)
	checkParquet := func(name, dir string, tracking bool) {
		if dir == "" {
			return
		}
		expected, err := gofforacle.ParquetRows(corpus, tracking)
		if err != nil {
			fail(err)
		}
		paths, err := filepath.Glob(filepath.Join(dir, "*.parquet"))
		if err != nil {
			fail(err)
		}
		actual, err := gofforacle.ReadParquetRows(paths, tracking)
		if err != nil {
			fail(err)
		}
		report, same := gofforacle.Report(fmt.Sprintf("%s (%d files)", name, len(paths)), expected, actual)
		fmt.Print(report)
		ok = ok && same
	}
	checkParquet("feature parquet rows", *featureParquet, false)
	checkParquet("tracking parquet rows", *trackingParquet, true)
	if !ok {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gofforacle:", err)
	os.Exit(2)
}
