// Command sensord reports a reading; it exists so the module example has more than one command.
package main

import (
	"fmt"

	"example.com/sensors/internal/reading"
)

func main() {
	fmt.Println("sensord:", reading.Format(21.5))
}
