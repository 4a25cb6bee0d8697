// Package prog holds the "padding is hard" example that pibuild layout explains (see the README).
package prog

// ProgInfo is 32 bytes on a 32-bit Pi and 40 on a 64-bit one; with Flags last it is 32 on both.
type ProgInfo struct {
	Flags                    uint32
	Reguse, Regset, Regindex uint64
	_                        struct{}
}
