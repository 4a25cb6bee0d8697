package prog

import "sync/atomic"

// counters works on amd64 and arm64, and panics on every 32-bit Pi: total is at offset 4 there, and a 64-bit
// atomic needs 8-byte alignment (Go issue 599). Moving total first, or making it an atomic.Int64, fixes it.
type counters struct {
	flag  int32
	total int64
}

var hits = &counters{}

// Hit counts one hit.
func Hit() {
	atomic.AddInt64(&hits.total, 1)
}
