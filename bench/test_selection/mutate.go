// Makes one Go function return at once: zero values for its results
// (`*new(T)`, valid for any type), a bare return for named results or none.
// Prints nothing; exits 1 when no function starts at the line.
// usage: go run mutate.go FILE LINE
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
)

func main() {
	file := os.Args[1]
	line, _ := strconv.Atoi(os.Args[2])
	src, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, 0)
	if err != nil {
		panic(err)
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fset.Position(fd.Pos()).Line != line {
			continue
		}
		ret := "return"
		if r := fd.Type.Results; r != nil && len(r.List) > 0 && len(r.List[0].Names) == 0 {
			var zero []string
			for _, field := range r.List {
				var b bytes.Buffer
				b.Write(src[fset.Position(field.Type.Pos()).Offset:fset.Position(field.Type.End()).Offset])
				zero = append(zero, fmt.Sprintf("*new(%s)", b.String()))
			}
			ret += " " + strings.Join(zero, ", ")
		}
		at := fset.Position(fd.Body.Lbrace).Offset + 1
		out := append([]byte{}, src[:at]...)
		out = append(out, []byte("\n\t"+ret+" // mutant\n")...)
		out = append(out, src[at:]...)
		if err := os.WriteFile(file, out, 0o644); err != nil {
			panic(err)
		}
		return
	}
	os.Exit(1)
}
