// Package reading formats sensor readings the same way for every command.
package reading

import (
	"fmt"
	"runtime"
)

// Format renders a temperature reading with the platform it was taken on.
func Format(celsius float64) string {
	return fmt.Sprintf("%.1f°C (%s/%s)", celsius, runtime.GOOS, runtime.GOARCH)
}
