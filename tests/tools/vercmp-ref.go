// vercmp-ref.go - reference answers for golang versions from
// golang.org/x/mod/semver (Debian: golang-golang-x-mod-dev), built in GOPATH
// mode:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run vercmp-ref.go < pairs
//
// lifebelt also accepts versions without the leading "v" (OSV records drop
// it), so one is added here when missing.
package main

import (
	"bufio"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a, b, _ := strings.Cut(in.Text(), "\t")
		if !strings.HasPrefix(a, "v") {
			a = "v" + a
		}
		if !strings.HasPrefix(b, "v") {
			b = "v" + b
		}
		if !semver.IsValid(a) || !semver.IsValid(b) {
			out.WriteString("!\n")
			continue
		}
		out.WriteString([]string{"<\n", "=\n", ">\n"}[semver.Compare(a, b)+1])
	}
}
