package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// What go list says of a package that has no files for this GOARCH, or only tests: not an error here.
var nothingToBuild = regexp.MustCompile(`no (non-test )?Go files|build constraints exclude all Go files`)

// listedPackage is the part of `go list -json` this program reads.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	ForTest    string
	Export     string
	GoFiles    []string
	ImportMap  map[string]string
	DepOnly    bool
	Error      *struct{ Err string }
}

// checkedPackage is one package of the project, type-checked from source for one GOARCH.
type checkedPackage struct {
	path   string // the import path, without go list's " [p.test]" suffix
	fset   *token.FileSet
	files  []*ast.File
	pkg    *types.Package
	info   *types.Info
	sizes  types.Sizes
	errors []string
}

// load lists the packages matching the patterns (with their tests) for one GOARCH, compiling export data for
// their dependencies into the board's build cache, and type-checks the project's own packages from source.
func load(goCommand string, t target, patterns []string) ([]*checkedPackage, error) {
	sizes := gcSizes(t.goarch)
	if sizes == nil {
		return nil, fmt.Errorf("go/types knows no sizes for GOARCH=%s", t.goarch)
	}

	args := append([]string{"list", "-e", "-json", "-export", "-deps", "-test", "--"}, patterns...)
	cmd := exec.Command(goCommand, args...)
	cmd.Env = append(os.Environ(), t.env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	output, err := cmd.Output()
	if err != nil && len(output) == 0 {
		return nil, fmt.Errorf("go list for GOARCH=%s failed: %s", t.goarch, firstLine(stderr.String(), err))
	}

	var listed []*listedPackage
	byPath := map[string]*listedPackage{}
	decoder := json.NewDecoder(bytes.NewReader(output))
	for decoder.More() {
		p := new(listedPackage)
		if err := decoder.Decode(p); err != nil {
			return nil, fmt.Errorf("reading go list's output: %v", err)
		}
		listed = append(listed, p)
		byPath[p.ImportPath] = p
	}

	var checked []*checkedPackage
	for _, p := range listed {
		if !mustCheck(p, byPath) {
			continue
		}
		if p.Error != nil && len(p.GoFiles) == 0 {
			// "no Go files", "build constraints exclude all Go files": nothing of it is built for this board.
			if !nothingToBuild.MatchString(p.Error.Err) {
				checked = append(checked, &checkedPackage{path: p.ImportPath, errors: errorLines(p.Error.Err)})
			}
			continue
		}
		checked = append(checked, check(p, byPath, sizes))
	}

	// With -e, go list still describes every package when some cannot be compiled (a dependency missing or
	// broken); the type checker then names what failed, at its line. Its own words only when it did not.
	if err != nil && !anyErrors(checked) {
		checked = append(checked, &checkedPackage{errors: []string{"go list: " + firstLine(stderr.String(), err)}})
	}
	return checked, nil
}

// mustCheck says whether p is one of the project's packages as its tests see it: a package with in-package
// tests is checked in its test variant (its files and its _test.go files), never twice; go test's generated
// main packages are not the project's code.
func mustCheck(p *listedPackage, byPath map[string]*listedPackage) bool {
	if p.DepOnly {
		return false
	}
	if strings.Contains(p.ImportPath, " [") {
		return p.ForTest != "" && strings.HasSuffix(p.ImportPath, " ["+p.ForTest+".test]")
	}
	if p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test") && byPath[strings.TrimSuffix(p.ImportPath, ".test")] != nil {
		return false
	}
	_, hasTestVariant := byPath[p.ImportPath+" ["+p.ImportPath+".test]"]
	return !hasTestVariant
}

func check(p *listedPackage, byPath map[string]*listedPackage, sizes types.Sizes) *checkedPackage {
	c := &checkedPackage{path: strings.SplitN(p.ImportPath, " [", 2)[0], fset: token.NewFileSet(), sizes: sizes}
	for _, name := range p.GoFiles {
		file, err := parser.ParseFile(c.fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			c.errors = append(c.errors, err.Error())
			continue
		}
		c.files = append(c.files, file)
	}

	// A fresh importer per package: go list's ImportMap differs between a package and its test variants.
	lookup := func(path string) (io.ReadCloser, error) {
		if mapped, ok := p.ImportMap[path]; ok {
			path = mapped
		}
		dep := byPath[path]
		if dep == nil || dep.Export == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(dep.Export)
	}
	config := types.Config{
		Importer: importer.ForCompiler(c.fset, "gc", lookup),
		Sizes:    sizes,
		Error: func(err error) {
			if len(c.errors) < 10 {
				c.errors = append(c.errors, err.Error())
			}
		},
	}
	c.info = &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	c.pkg, _ = config.Check(c.path, c.fset, c.files, c.info)

	// go list's own error for the package (a failed compile, an import cycle) repeats the type checker's
	// words when there are any, with a "# package" line before them.
	if p.Error != nil && len(c.errors) == 0 {
		c.errors = append(c.errors, errorLines(p.Error.Err)...)
	}
	return c
}

func firstLine(text string, err error) string {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return err.Error()
}

func anyErrors(packages []*checkedPackage) bool {
	for _, p := range packages {
		if len(p.errors) > 0 {
			return true
		}
	}
	return false
}

// errorLines splits go's multi-line error text into one message a line, without its "# package" headers.
func errorLines(text string) []string {
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "# ") {
			lines = append(lines, line)
		}
	}
	return lines
}
