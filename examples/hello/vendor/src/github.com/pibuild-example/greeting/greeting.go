// Package greeting is a vendored dependency, found through GOPATH=$PROJECT:$PROJECT/vendor.
package greeting

// Hello returns the greeting for a build tool's name.
func Hello(tool string) string {
	return "Hello world from " + tool
}
