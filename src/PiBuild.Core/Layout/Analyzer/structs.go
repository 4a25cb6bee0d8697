package main

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
)

type structLayout struct {
	Key      string        `json:"key"` // the same type on every target: import path, name, and line for a local type
	Name     string        `json:"name"`
	Position string        `json:"position"`
	Size     int64         `json:"size"`
	Align    int64         `json:"align"`
	Padding  int64         `json:"padding"`
	Fields   []fieldLayout `json:"fields"`
}

type fieldLayout struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Offset int64  `json:"offset"`
	Size   int64  `json:"size"`
	Align  int64  `json:"align"`
}

// reorder is a field order with less padding, and the size it gives on each target (in -target order).
type reorder struct {
	Key    string   `json:"key"`
	Fields []string `json:"fields"`
	Sizes  []int64  `json:"sizes"`
}

// namedStruct is a struct type declared in the project, as one target's type checker saw it.
type namedStruct struct {
	key, name, position string
	st                  *types.Struct
	sizes               types.Sizes
}

func (c *checkedPackage) namedStructs() []namedStruct {
	var found []namedStruct
	for _, file := range c.files {
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			tn, ok := c.info.Defs[spec.Name].(*types.TypeName)
			if !ok || tn.IsAlias() {
				return true
			}
			named, ok := tn.Type().(*types.Named)
			if !ok || named.TypeParams().Len() > 0 {
				return true // a generic type has a size only once instantiated
			}
			st, ok := named.Underlying().(*types.Struct)
			if !ok {
				return true
			}
			position := c.fset.Position(spec.Name.Pos())
			key := c.path + "." + tn.Name()
			if c.pkg != nil && tn.Parent() != c.pkg.Scope() {
				key = fmt.Sprintf("%s@%d", key, position.Line)
			}
			found = append(found, namedStruct{key, tn.Name(), position.String(), st, c.sizes})
			return true
		})
	}
	return found
}

func (c *checkedPackage) structs() []structLayout {
	var layouts []structLayout
	for _, s := range c.namedStructs() {
		fields := fieldsOf(s.st)
		size := s.sizes.Sizeof(s.st)
		if size < 0 {
			continue
		}
		layout := structLayout{Key: s.key, Name: s.name, Position: s.position, Size: size, Align: s.sizes.Alignof(s.st), Padding: size, Fields: []fieldLayout{}}
		for i, offset := range s.sizes.Offsetsof(fields) {
			f := fields[i]
			fieldSize := s.sizes.Sizeof(f.Type())
			layout.Padding -= fieldSize
			layout.Fields = append(layout.Fields, fieldLayout{f.Name(), types.TypeString(f.Type(), types.RelativeTo(c.pkg)), offset, fieldSize, s.sizes.Alignof(f.Type())})
		}
		layouts = append(layouts, layout)
	}
	return layouts
}

// suggestReorders proposes, for each struct wasting 8 bytes or more on some target, the order that packs it
// tightest on all of them: zero-size fields first (a trailing one costs padding), then by alignment and size,
// largest first, on the target where they are largest. It is suggested only where it helps somewhere and
// hurts nowhere.
func suggestReorders(checked [][]*checkedPackage) []reorder {
	perTarget := make([]map[string]namedStruct, len(checked))
	var keys []string
	for i, packages := range checked {
		perTarget[i] = map[string]namedStruct{}
		for _, p := range packages {
			for _, s := range p.namedStructs() {
				if _, dup := perTarget[i][s.key]; dup {
					continue
				}
				perTarget[i][s.key] = s
				if i == 0 {
					keys = append(keys, s.key)
				}
			}
		}
	}

	suggestions := []reorder{}
	for _, key := range keys {
		var versions []namedStruct
		for _, structs := range perTarget {
			if s, ok := structs[key]; ok {
				versions = append(versions, s)
			}
		}
		if len(versions) != len(checked) {
			continue
		}
		if r, ok := bestOrder(key, versions); ok {
			suggestions = append(suggestions, r)
		}
	}
	return suggestions
}

func bestOrder(key string, versions []namedStruct) (reorder, bool) {
	n := versions[0].st.NumFields()
	if n < 2 {
		return reorder{}, false
	}
	largest := func(i int, measure func(types.Sizes, types.Type) int64) int64 {
		var most int64
		for _, v := range versions {
			if m := measure(v.sizes, v.st.Field(i).Type()); m > most {
				most = m
			}
		}
		return most
	}
	sizeOf := func(s types.Sizes, t types.Type) int64 { return s.Sizeof(t) }
	alignOf := func(s types.Sizes, t types.Type) int64 { return s.Alignof(t) }

	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		fa, fb := order[a], order[b]
		za, zb := largest(fa, sizeOf) == 0, largest(fb, sizeOf) == 0
		if za != zb {
			return za
		}
		if aa, ab := largest(fa, alignOf), largest(fb, alignOf); aa != ab {
			return aa > ab
		}
		return largest(fa, sizeOf) > largest(fb, sizeOf)
	})

	suggestion := reorder{Key: key}
	wastes, helps := false, false
	for _, v := range versions {
		before := v.sizes.Sizeof(v.st)
		fields := fieldsOf(v.st)
		var used int64
		reordered := make([]*types.Var, n)
		for i, f := range order {
			reordered[i] = fields[f]
			used += v.sizes.Sizeof(fields[f].Type())
		}
		after := v.sizes.Sizeof(types.NewStruct(reordered, nil))
		if after > before {
			return reorder{}, false
		}
		wastes = wastes || before-used >= 8
		helps = helps || after < before
		suggestion.Sizes = append(suggestion.Sizes, after)
	}
	for _, f := range order {
		suggestion.Fields = append(suggestion.Fields, versions[0].st.Field(f).Name())
	}
	return suggestion, wastes && helps
}

func fieldsOf(st *types.Struct) []*types.Var {
	fields := make([]*types.Var, st.NumFields())
	for i := range fields {
		fields[i] = st.Field(i)
	}
	return fields
}
