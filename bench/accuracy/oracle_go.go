// Ground-truth call edges of a Go module from go/types (the standard
// library of Debian's golang-go only), in the oracle format score.py reads.
//
// The packages of TREE (import paths from its go.mod, files chosen by
// go/build for this platform, tests left out) are type-checked from
// source; imports outside the module come from the Go source tree. For each
// call it records what the checker binds the called name to: a function or
// method defined in the tree (form `call`, `method`, or `interface` for a
// method of an interface type, whose definition is the interface's method),
// `external` for one outside it or a builtin, `indirect` for a variable or
// field of function type. Conversions `T(x)` (form `conversion`) and
// composite literals `T{...}` (form `new`) of a named type are recorded
// with the type's definition, since parseltongue links both to the type.
//
// usage: go run oracle_go.go TREE > oracle.tsv
package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type oracle struct {
	root, module string
	fset         *token.FileSet
	std          types.Importer
	pkgs         map[string]*types.Package
	files        map[string][]*ast.File
	info         *types.Info
	typeErrors   int
	counts       map[string]int
}

func (o *oracle) Import(path string) (*types.Package, error) {
	return o.ImportFrom(path, "", 0)
}

// ImportFrom checks the tree's own packages from their folders and leaves
// every other import to the source importer.
func (o *oracle) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	if p, ok := o.pkgs[path]; ok {
		if p == nil {
			return nil, fmt.Errorf("import cycle through %s", path)
		}
		return p, nil
	}
	if path != o.module && !strings.HasPrefix(path, o.module+"/") {
		return o.std.Import(path)
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(path, o.module), "/")
	return o.check(path, filepath.Join(o.root, rel))
}

func (o *oracle) check(path, dir string) (*types.Package, error) {
	o.pkgs[path] = nil
	bp, err := build.Default.ImportDir(dir, 0)
	if err != nil {
		return nil, err
	}
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(o.fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: o, Error: func(error) { o.typeErrors++ }}
	pkg, _ := conf.Check(path, o.fset, files, o.info)
	o.pkgs[path] = pkg
	o.files[path] = files
	return pkg, nil
}

// callee is the name a call names: f(), x.m(), pkg.F(), f[T]().
func callee(fun ast.Expr) *ast.Ident {
	for {
		switch e := fun.(type) {
		case *ast.ParenExpr:
			fun = e.X
		case *ast.IndexExpr:
			fun = e.X
		case *ast.IndexListExpr:
			fun = e.X
		case *ast.Ident:
			return e
		case *ast.SelectorExpr:
			return e.Sel
		default:
			return nil
		}
	}
}

func (o *oracle) rel(pos token.Pos) (string, int) {
	p := o.fset.Position(pos)
	r, err := filepath.Rel(o.root, p.Filename)
	if err != nil || p.Filename == "" || strings.HasPrefix(r, "..") {
		return "", 0
	}
	return filepath.ToSlash(r), p.Line
}

func isInterfaceMethod(fn *types.Func) bool {
	recv := fn.Type().(*types.Signature).Recv()
	return recv != nil && types.IsInterface(recv.Type())
}

func (o *oracle) visit(call *ast.CallExpr) {
	id := callee(call.Fun)
	if id == nil {
		o.counts["unnamed"]++
		return
	}
	site, line := o.rel(id.Pos())
	status, form, def := "external", "call", ""
	fun := call.Fun
	for {
		p, ok := fun.(*ast.ParenExpr)
		if !ok {
			break
		}
		fun = p.X
	}
	_, isSel := fun.(*ast.SelectorExpr)
	switch obj := o.info.Uses[id].(type) {
	case *types.TypeName:
		form = "conversion"
		if f, l := o.rel(obj.Pos()); f != "" {
			status, def = "def", fmt.Sprintf("%s\t%d", f, l)
		}
	case *types.Func:
		if isSel && obj.Type().(*types.Signature).Recv() != nil {
			form = "method"
			if isInterfaceMethod(obj) {
				form = "interface"
			}
		}
		if f, l := o.rel(obj.Pos()); f != "" {
			status, def = "def", fmt.Sprintf("%s\t%d", f, l)
		}
	case *types.Builtin:
	case *types.Var:
		status = "indirect"
	default:
		status = "undecided"
	}
	o.emit(site, line, id.Name, status, def, form)
}

// literal records `T{...}` of a named type as a construction of T (form
// `new`): parseltongue links a composite literal to its type.
func (o *oracle) literal(lit *ast.CompositeLit) {
	id := callee(lit.Type)
	if id == nil {
		return
	}
	obj, ok := o.info.Uses[id].(*types.TypeName)
	if !ok {
		return
	}
	site, line := o.rel(id.Pos())
	status, def := "external", ""
	if f, l := o.rel(obj.Pos()); f != "" {
		status, def = "def", fmt.Sprintf("%s\t%d", f, l)
	}
	o.emit(site, line, id.Name, status, def, "new")
}

func (o *oracle) emit(site string, line int, name, status, def, form string) {
	if def == "" {
		def = "\t"
	}
	o.counts[status]++
	fmt.Printf("%s\t%d\t%s\t%s\t%s\t%s\n", site, line, name, status, def, form)
}

func modulePath(root string) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err == nil {
		if m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(data); m != nil {
			return string(m[1])
		}
	}
	return "tree"
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run oracle_go.go TREE > oracle.tsv")
		os.Exit(2)
	}
	root, _ := filepath.Abs(os.Args[1])
	root, _ = filepath.EvalSymlinks(root)
	fset := token.NewFileSet()
	o := &oracle{root: root, module: modulePath(root), fset: fset,
		std:   importer.ForCompiler(fset, "source", nil),
		pkgs:  map[string]*types.Package{},
		files: map[string][]*ast.File{},
		info: &types.Info{Uses: map[*ast.Ident]types.Object{},
			Selections: map[*ast.SelectorExpr]*types.Selection{}},
		counts: map[string]int{}}
	var paths []string
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			if fi.Name() == "testdata" || strings.HasPrefix(fi.Name(), ".") && p != root {
				return filepath.SkipDir
			}
			rel, _ := filepath.Rel(root, p)
			path := o.module
			if rel != "." {
				path += "/" + filepath.ToSlash(rel)
			}
			if _, err := o.ImportFrom(path, "", 0); err == nil {
				paths = append(paths, path)
			}
		}
		return nil
	})
	sort.Strings(paths)
	for _, path := range paths {
		for _, f := range o.files[path] {
			ast.Inspect(f, func(n ast.Node) bool {
				switch e := n.(type) {
				case *ast.CallExpr:
					o.visit(e)
				case *ast.CompositeLit:
					o.literal(e)
				}
				return true
			})
		}
	}
	fmt.Fprintf(os.Stderr, "oracle_go: packages %d\noracle_go: type_errors %d\n", len(paths), o.typeErrors)
	keys := []string{}
	for k := range o.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(os.Stderr, "oracle_go: %s %d\n", k, o.counts[k])
	}
}
