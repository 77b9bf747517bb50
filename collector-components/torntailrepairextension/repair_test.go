package torntailrepairextension

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.ndjson")
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestRepairTornTailKeepsOnlyCompleteLines(t *testing.T) {
	long := strings.Repeat("x", 3*chunkSize+17) // a torn line longer than one read chunk
	cases := []struct {
		name    string
		content string
		want    string
	}{
		{"empty file is left alone", "", ""},
		{"complete lines are left alone", "{\"a\":1}\n{\"a\":2}\n", "{\"a\":1}\n{\"a\":2}\n"},
		{"a torn last JSON line is cut", "{\"a\":1}\n{\"a\":2}\n{\"a\":", "{\"a\":1}\n{\"a\":2}\n"},
		{"a whole record missing only its newline is cut (it was not acknowledged)", "{\"a\":1}\n{\"a\":2}", "{\"a\":1}\n"},
		{"a file with no complete line becomes empty", "{\"a\":", ""},
		{"a torn CSV line is cut", "feature;user;u1;1;f;on;true;false;SERVER\nfeature;us", "feature;user;u1;1;f;on;true;false;SERVER\n"},
		{"a torn line longer than a read chunk is cut whole", "{\"a\":1}\n" + long, "{\"a\":1}\n"},
		{"the newline at exactly a chunk boundary is found", strings.Repeat("y", chunkSize-1) + "\n" + long, strings.Repeat("y", chunkSize-1) + "\n"},
		{"a torn line longer than a chunk with no newline before it empties the file", long, ""},
		{"an empty last line (blank line) is complete", "{\"a\":1}\n\n", "{\"a\":1}\n\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			removed, err := RepairTornTail(path)
			require.NoError(t, err)
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
			require.Equal(t, int64(len(tc.content)-len(tc.want)), removed)
		})
	}
}

func TestRepairTornTailThenAppendGivesOnlyCompleteLines(t *testing.T) {
	// What happens across a SIGKILL and restart: a fragment, the repair, then an append.
	path := writeFile(t, "{\"a\":1}\n{\"a\":")
	_, err := RepairTornTail(path)
	require.NoError(t, err)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("{\"a\":2}\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "{\"a\":1}\n{\"a\":2}\n", string(got))
}

func TestRepairTornTailMissingFileIsAnError(t *testing.T) {
	_, err := RepairTornTail(filepath.Join(t.TempDir(), "absent.ndjson"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
