package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"regexp"
	"strings"
)

// The sync/atomic functions that need their *int64/*uint64 operand 8-byte aligned on 32-bit platforms.
var atomic64 = regexp.MustCompile(`^(Add|Load|Store|Swap|CompareAndSwap|And|Or)(Int64|Uint64)$`)

// atomicUse is a 64-bit sync/atomic call whose operand is the address of a field or an array element.
type atomicUse struct {
	Position string `json:"position"`
	Function string `json:"function"`
	Path     string `json:"path"`   // the operand from the start of its allocation: counters.total, table[i].hits
	Offset   int64  `json:"offset"` // from the start of that allocation, with every variable index at 0
	Stride   int64  `json:"stride"` // what a variable index adds per step (0 when every index is constant)
	Fix      string `json:"fix"`
}

// misaligned: Go aligns the start of every allocation (variable, struct, array, slice) to 8 bytes, so the
// operand is 8-byte aligned exactly when its offset in the allocation is, for every index.
func (u atomicUse) misaligned() bool { return u.Offset%8 != 0 || u.Stride%8 != 0 }

// place is where an addressed operand lies: a path from the start of an allocation, and its offset there.
type place struct {
	path           string
	offset, stride int64
	inner          bool   // a field or element was selected: not the start of the allocation by itself
	field, owner   string // the innermost field and the struct that holds it
	element        string // the array element type whose size makes a variable index misalign
}

func (c *checkedPackage) atomics() []atomicUse {
	var uses []atomicUse
	for _, file := range c.files {
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			fn := c.callee(call.Fun)
			if fn == nil {
				return true
			}
			addr, ok := unparen(call.Args[0]).(*ast.UnaryExpr)
			if !ok || addr.Op != token.AND {
				return true
			}
			p := c.placeOf(addr.X)
			if !p.inner {
				return true // a whole variable: the start of its allocation
			}
			uses = append(uses, atomicUse{c.fset.Position(call.Pos()).String(), "atomic." + fn.Name(), p.path, p.offset, p.stride, fix(p, fn.Name())})
			return true
		})
	}
	return uses
}

// callee is the sync/atomic function a call names, if it is one of the 64-bit ones.
func (c *checkedPackage) callee(fun ast.Expr) *types.Func {
	var id *ast.Ident
	switch f := unparen(fun).(type) {
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.Ident:
		id = f
	default:
		return nil
	}
	fn, ok := c.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "sync/atomic" || !atomic64.MatchString(fn.Name()) {
		return nil
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || sig.Recv() != nil {
		return nil
	}
	return fn
}

// placeOf follows an addressed expression back to the start of its allocation: a variable, or whatever a
// pointer or slice points to.
func (c *checkedPackage) placeOf(e ast.Expr) place {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return c.placeOf(x.X)
	case *ast.SelectorExpr:
		sel := c.info.Selections[x]
		if sel == nil || sel.Kind() != types.FieldVal {
			return place{path: x.Sel.Name} // a package's variable
		}
		t := c.info.TypeOf(x.X)
		var p place
		if ptr, ok := t.Underlying().(*types.Pointer); ok {
			t = ptr.Elem()
			p = place{path: c.typeName(t)}
		} else {
			p = c.placeOf(x.X)
		}
		for _, i := range sel.Index() {
			if ptr, ok := t.Underlying().(*types.Pointer); ok { // an embedded pointer starts another allocation
				t = ptr.Elem()
				p = place{path: c.typeName(t)}
			}
			st, ok := t.Underlying().(*types.Struct)
			if !ok {
				return place{}
			}
			f := st.Field(i)
			p.offset += c.sizes.Offsetsof(fieldsOf(st))[i]
			p.path += "." + f.Name()
			p.inner, p.field, p.owner = true, f.Name(), c.typeName(t)
			t = f.Type()
		}
		return p
	case *ast.IndexExpr:
		var p place
		var elem types.Type
		switch t := c.info.TypeOf(x.X).Underlying().(type) {
		case *types.Array:
			p, elem = c.placeOf(x.X), t.Elem()
		case *types.Pointer:
			array, ok := t.Elem().Underlying().(*types.Array)
			if !ok {
				return place{}
			}
			p, elem = place{path: c.typeName(t.Elem())}, array.Elem()
		case *types.Slice:
			p, elem = place{path: exprString(x.X)}, t.Elem()
		default:
			return place{}
		}
		size := c.sizes.Sizeof(elem)
		value := c.info.Types[x.Index].Value
		if value != nil {
			n, _ := constant.Int64Val(constant.ToInt(value))
			p.offset += n * size
			p.path += fmt.Sprintf("[%d]", n)
		} else {
			p.stride = gcd(p.stride, size)
			p.path += "[i]"
		}
		p.inner = true
		if size%8 != 0 && value == nil {
			p.element = fmt.Sprintf("%s (%d bytes)", c.typeName(elem), size)
		}
		return p
	case *ast.StarExpr:
		return place{path: "*" + exprString(x.X)}
	case *ast.Ident:
		return place{path: x.Name}
	}
	return place{path: exprString(e)}
}

func (c *checkedPackage) typeName(t types.Type) string {
	return types.TypeString(t, types.RelativeTo(c.pkg))
}

// fix says what makes the operand aligned on every board.
func fix(p place, function string) string {
	typed := "atomic.Int64"
	if strings.HasSuffix(function, "Uint64") {
		typed = "atomic.Uint64"
	}
	switch {
	case p.element != "" && p.stride%8 != 0:
		return fmt.Sprintf("pad %s to a multiple of 8 bytes, or use %s (aligned by Go 1.19+)", p.element, typed)
	case p.owner != "":
		return fmt.Sprintf("move %s to the start of %s, or make it an %s (aligned by Go 1.19+)", p.field, p.owner, typed)
	default:
		return fmt.Sprintf("make the element an %s (aligned by Go 1.19+)", typed)
	}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func exprString(e ast.Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e ast.Expr) {
	switch x := e.(type) {
	case *ast.Ident:
		b.WriteString(x.Name)
	case *ast.SelectorExpr:
		writeExpr(b, x.X)
		b.WriteString("." + x.Sel.Name)
	case *ast.IndexExpr:
		writeExpr(b, x.X)
		b.WriteString("[…]")
	case *ast.StarExpr:
		b.WriteString("*")
		writeExpr(b, x.X)
	case *ast.ParenExpr:
		writeExpr(b, x.X)
	case *ast.CallExpr:
		writeExpr(b, x.Fun)
		b.WriteString("()")
	default:
		b.WriteString("…")
	}
}

func unparen(e ast.Expr) ast.Expr {
	for {
		p, ok := e.(*ast.ParenExpr)
		if !ok {
			return e
		}
		e = p.X
	}
}
