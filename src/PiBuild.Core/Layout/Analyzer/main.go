// Command pibuild-layout reports how a Go project's struct types are laid out on each GOARCH it is given, and
// which 64-bit sync/atomic calls take the address of a field that is not 8-byte aligned there (Go issue 599).
//
// pibuild ships this source, builds it with the project's own toolchain and reads the JSON it prints. Types
// come from the project's source, type-checked against export data from `go list -export` for each GOARCH,
// so sizes follow the compiler's rules for that architecture and nothing but the standard library is needed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
)

// A target is one GOARCH to lay types out for, as the environment of its go list: GOARCH, and what lets go list
// share the board's build cache with pibuild's builds (GOARM or GOARM64, GOCACHE). A JSON object, so that any
// path can be passed.
type target struct {
	goarch string
	env    []string
}

type targetList []target

func (l *targetList) String() string { return fmt.Sprint(*l) }

func (l *targetList) Set(value string) error {
	var env map[string]string
	if err := json.Unmarshal([]byte(value), &env); err != nil || env["GOARCH"] == "" {
		return fmt.Errorf(`want a JSON object of environment variables with GOARCH ({"GOARCH":"arm","GOCACHE":"/tmp/c"}), got %q`, value)
	}
	t := target{goarch: env["GOARCH"]}
	for name, v := range env {
		t.env = append(t.env, name+"="+v)
	}
	sort.Strings(t.env)
	*l = append(*l, t)
	return nil
}

// report is what is printed: one entry per target, and reorder suggestions that hold on all of them.
type report struct {
	Targets  []targetReport `json:"targets"`
	Reorders []reorder      `json:"reorders"`
}

type targetReport struct {
	GOARCH   string         `json:"goarch"`
	Packages int            `json:"packages"`
	Structs  []structLayout `json:"structs"`
	Atomics  int            `json:"atomics"`
	Findings []atomicUse    `json:"misaligned"`
	Errors   []string       `json:"errors"`
}

func main() {
	var targets targetList
	goCommand := flag.String("go", "go", "the go command whose packages are analysed")
	flag.Var(&targets, "target", `the environment of one GOARCH to lay types out for, as JSON: {"GOARCH":"arm","GOARM":"6","GOCACHE":"DIR"} (repeatable)`)
	flag.Parse()
	if len(targets) == 0 {
		fmt.Fprintln(os.Stderr, "pibuild-layout: no -target given")
		os.Exit(2)
	}

	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}

	var out report
	var structs [][]namedStruct
	for _, t := range targets {
		packages, err := load(*goCommand, t, patterns)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pibuild-layout: %v\n", err)
			os.Exit(1)
		}
		found := projectStructs(packages)
		structs = append(structs, found)
		out.Targets = append(out.Targets, analyse(t.goarch, packages, found))
	}

	out.Reorders = suggestReorders(structs)
	encoder := json.NewEncoder(os.Stdout)
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintf(os.Stderr, "pibuild-layout: %v\n", err)
		os.Exit(1)
	}
}

func analyse(goarch string, packages []*checkedPackage, structs []namedStruct) targetReport {
	r := targetReport{GOARCH: goarch, Packages: len(packages), Structs: []structLayout{}, Findings: []atomicUse{}, Errors: []string{}}
	for _, s := range structs {
		if layout, ok := s.layout(); ok {
			r.Structs = append(r.Structs, layout)
		}
	}
	for _, p := range packages {
		r.Errors = append(r.Errors, p.errors...)
		uses := p.atomics()
		r.Atomics += len(uses)
		for _, u := range uses {
			if u.misaligned() {
				r.Findings = append(r.Findings, u)
			}
		}
	}
	return r
}
