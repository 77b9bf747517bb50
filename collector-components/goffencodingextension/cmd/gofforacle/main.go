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

	"offt/collector-components/goffencodingextension/internal/gofforacle"
)

func main() {
	corpusPath := flag.String("corpus", "", "corpus JSON (evaluations and tracks)")
	featureJSON := flag.String("feature-json", "", "feature events the collector wrote as JSON lines")
	featureCSV := flag.String("feature-csv", "", "feature events the collector wrote as CSV lines")
	csvTemplate := flag.String("csv-template", "", "GOFF csvTemplate (default GOFF's)")
	trackingJSON := flag.String("tracking-json", "", "tracking events the collector wrote as JSON lines")
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
	if !ok {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gofforacle:", err)
	os.Exit(2)
}
