package main

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
)

type structLayout struct {
	Key      string `json:"key"` // the same type on every target: import path, name, and line for a local type
	Name     string `json:"name"`
	Position string `json:"position"`
	Size     int64  `json:"size"`
	Align    int64  `json:"align"`
	Padding  int64  `json:"padding"`
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

// projectStructs is every struct type of the packages, once: a package and its test variant declare the same ones.
func projectStructs(packages []*checkedPackage) []namedStruct {
	var all []namedStruct
	seen := map[string]bool{}
	for _, p := range packages {
		for _, s := range p.namedStructs() {
			if !seen[s.key] {
				seen[s.key] = true
				all = append(all, s)
			}
		}
	}
	return all
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

// layout is the struct's size, alignment and padding; false for a type too large to have a size.
func (s namedStruct) layout() (structLayout, bool) {
	size := s.sizes.Sizeof(s.st)
	if size < 0 {
		return structLayout{}, false
	}
	layout := structLayout{Key: s.key, Name: s.name, Position: s.position, Size: size, Align: s.sizes.Alignof(s.st), Padding: size}
	for _, f := range fieldsOf(s.st) {
		layout.Padding -= s.sizes.Sizeof(f.Type())
	}
	return layout, true
}

// suggestReorders proposes, for each struct wasting 8 bytes or more on some target, the order that packs it
// tightest on all of them: zero-size fields first (a trailing one costs padding), then by alignment and size,
// largest first, on the target where they are largest. It is suggested only where it helps somewhere and
// hurts nowhere.
func suggestReorders(perTarget [][]namedStruct) []reorder {
	byKey := make([]map[string]namedStruct, len(perTarget))
	for i, structs := range perTarget {
		byKey[i] = map[string]namedStruct{}
		for _, s := range structs {
			byKey[i][s.key] = s
		}
	}

	suggestions := []reorder{}
	for _, first := range perTarget[0] {
		var versions []namedStruct
		for _, structs := range byKey {
			if s, ok := structs[first.key]; ok {
				versions = append(versions, s)
			}
		}
		if len(versions) != len(perTarget) {
			continue
		}
		if r, ok := bestOrder(first.key, versions); ok {
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
