// Command helloworld is the smallest gb-style project: code under src/, dependencies vendored under vendor/src/.
package main

import (
	"fmt"

	"github.com/pibuild-example/greeting"
)

func main() {
	fmt.Println(greeting.Hello("gb"))
}
