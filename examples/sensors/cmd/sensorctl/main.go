// Command sensorctl echoes its arguments and exits with the status it is given, for `pibuild run` demos.
package main

import (
	"fmt"
	"os"
	"strconv"

	"example.com/sensors/internal/reading"
)

// version is set at release time: pibuild.yaml passes -X main.version={version}.
var version = "dev"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "version" {
		fmt.Println("sensorctl", version)
		return
	}
	fmt.Println("sensorctl:", reading.Format(19.0), os.Args[1:])
	if len(os.Args) > 2 && os.Args[1] == "exit" {
		code, _ := strconv.Atoi(os.Args[2])
		os.Exit(code)
	}
}
