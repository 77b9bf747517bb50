package torntailrepairextension // import "offt/collector-components/torntailrepairextension"

import (
	"bytes"
	"fmt"
	"os"
)

// chunkSize is how much of the file's end is read at a time while looking for the last "\n".
const chunkSize = 64 * 1024

// RepairTornTail truncates the file at path right after its last "\n" (to empty when it has
// none) if its last byte is not "\n", and returns how many bytes it removed. An empty file
// or one that ends with "\n" is left untouched (not even opened for writing).
func RepairTornTail(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := info.Size()
	if size == 0 {
		return 0, nil
	}
	keep, err := completeLength(f, size)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	if keep == size {
		return 0, nil
	}
	if err := os.Truncate(path, keep); err != nil {
		return 0, err
	}
	return size - keep, nil
}

// completeLength is the length of the file's prefix that ends with its last "\n" (0 if none).
func completeLength(f *os.File, size int64) (int64, error) {
	buf := make([]byte, chunkSize)
	end := size
	for end > 0 {
		start := max(end-chunkSize, 0)
		chunk := buf[:end-start]
		if _, err := f.ReadAt(chunk, start); err != nil {
			return 0, err
		}
		if end == size && chunk[len(chunk)-1] == '\n' {
			return size, nil
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}
