// Command sensorctl echoes its arguments and exits with the status it is given, for `pibuild run` demos.
package main

import (
	"fmt"
	"os"
	"strconv"

	"example.com/sensors/internal/reading"
)

func main() {
	fmt.Println("sensorctl:", reading.Format(19.0), os.Args[1:])
	if len(os.Args) > 2 && os.Args[1] == "exit" {
		code, _ := strconv.Atoi(os.Args[2])
		os.Exit(code)
	}
}
