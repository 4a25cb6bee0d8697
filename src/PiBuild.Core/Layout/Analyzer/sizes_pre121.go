//go:build !go1.21

package main

import "go/types"

// Before Go 1.21, types.SizesFor("gc") returned StdSizes, which neither rounds a struct's size up to its
// alignment nor pads a trailing zero-size field, as cmd/compile does (types/size.go, calcStructOffset). This
// applies those two rules on top of the same per-GOARCH word size and alignment, so every toolchain reports
// the sizes its compiler lays out.
func gcSizes(goarch string) types.Sizes {
	std, ok := types.SizesFor("gc", goarch).(*types.StdSizes)
	if !ok {
		return nil
	}
	return &compilerSizes{word: std.WordSize, maxAlign: std.MaxAlign}
}

type compilerSizes struct{ word, maxAlign int64 }

func (s *compilerSizes) Alignof(t types.Type) int64 {
	switch u := t.Underlying().(type) {
	case *types.Array:
		return s.Alignof(u.Elem())
	case *types.Struct:
		if u.NumFields() == 0 && isAlign64(t) {
			return 8
		}
		most := int64(1)
		for i := 0; i < u.NumFields(); i++ {
			if a := s.Alignof(u.Field(i).Type()); a > most {
				most = a
			}
		}
		return most
	case *types.Slice, *types.Interface:
		return s.word
	case *types.Basic:
		if u.Info()&types.IsString != 0 {
			return s.word
		}
	}
	a := s.Sizeof(t)
	if a < 1 {
		return 1
	}
	if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsComplex != 0 {
		a /= 2
	}
	if a > s.maxAlign {
		return s.maxAlign
	}
	return a
}

func (s *compilerSizes) Offsetsof(fields []*types.Var) []int64 {
	offsets := make([]int64, len(fields))
	var o int64
	for i, f := range fields {
		o = roundUp(o, s.Alignof(f.Type()))
		offsets[i] = o
		o += s.Sizeof(f.Type())
	}
	return offsets
}

var basicSizes = map[types.BasicKind]int64{
	types.Bool: 1, types.Int8: 1, types.Uint8: 1, types.Int16: 2, types.Uint16: 2,
	types.Int32: 4, types.Uint32: 4, types.Float32: 4, types.Int64: 8, types.Uint64: 8,
	types.Float64: 8, types.Complex64: 8, types.Complex128: 16,
}

func (s *compilerSizes) Sizeof(t types.Type) int64 {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if n, ok := basicSizes[u.Kind()]; ok {
			return n
		}
		if u.Kind() == types.String {
			return 2 * s.word
		}
	case *types.Array:
		if u.Len() <= 0 {
			return 0
		}
		return s.Sizeof(u.Elem()) * u.Len()
	case *types.Slice:
		return 3 * s.word
	case *types.Interface:
		return 2 * s.word
	case *types.Struct:
		n := u.NumFields()
		if n == 0 {
			return 0
		}
		fields := make([]*types.Var, n)
		for i := range fields {
			fields[i] = u.Field(i)
		}
		last := s.Offsetsof(fields)[n-1]
		size := s.Sizeof(fields[n-1].Type())
		// A pointer to a trailing zero-size field must not point past the object.
		if last > 0 && size == 0 {
			size = 1
		}
		return roundUp(last+size, s.Alignof(t))
	}
	return s.word
}

// isAlign64 is sync/atomic's marker that makes atomic.Int64 and atomic.Uint64 8-byte aligned everywhere.
func isAlign64(t types.Type) bool {
	named, ok := t.(*types.Named)
	if !ok || named.Obj().Pkg() == nil {
		return false
	}
	path := named.Obj().Pkg().Path()
	return named.Obj().Name() == "align64" && (path == "sync/atomic" || path == "runtime/internal/atomic")
}

func roundUp(n, a int64) int64 { return (n + a - 1) / a * a }
