// Package torntailrepairextension is a collector extension (`torn_tail_repair`) that, when the
// collector starts, cuts every configured line-oriented output file back to its last complete
// line.
//
// Why: a collector killed with SIGKILL in the middle of a file write (between a batch and its
// closing "\n", or inside a multi-page write(2), which Linux may leave partly done when a fatal
// signal arrives) leaves a torn last line. The contrib file exporter appends after a restart,
// so the next batch would be glued onto that fragment: two JSON objects on one line, which
// NDJSON readers reject. Extensions start before any pipeline, so the repair is done before
// an exporter writes again.
//
// Nothing acknowledged is removed: the file exporter returns (and the OTLP receiver answers
// 200) only after the whole batch and its "\n" are written, so a torn tail always belongs to
// a batch the sender was not told was delivered, and the sender sends it again.
package torntailrepairextension // import "offt/collector-components/torntailrepairextension"
