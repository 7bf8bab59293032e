// Command modelbrowser finds models on the Hugging Face Hub that local
// inference workers can run, and explains why the others can't.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "modelbrowser: not wired yet")
	os.Exit(2)
}
