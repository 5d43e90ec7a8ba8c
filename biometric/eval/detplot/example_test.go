package detplot_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ciekit/ciekit/biometric/eval"
	"github.com/ciekit/ciekit/biometric/eval/detplot"
)

// A DET plot of one set's scores as SVG (Write also makes PNG).
func ExampleWrite() {
	genuine := []float64{35, 48, 52, 61, 70, 12}
	impostor := []float64{3, 8, 15, 5, 9, 2, 11, 4}
	series := []detplot.Series{{Name: "DB1_B", Points: eval.Curve(genuine, impostor)}}
	var b bytes.Buffer
	if err := detplot.Write(&b, "svg", "FVC2002 DB1_B", series); err != nil {
		fmt.Println(err)
		return
	}
	svg := b.String()
	fmt.Println(strings.Contains(svg, "FVC2002 DB1_B"), strings.Contains(svg, "FMR (false match rate)"), strings.Contains(svg, "DB1_B"))
	// Output:
	// true true true
}
