//go:build go1.21

package main

import "go/types"

// From Go 1.21 on, go/types carries the compiler's own size rules for each GOARCH.
func gcSizes(goarch string) types.Sizes { return types.SizesFor("gc", goarch) }
