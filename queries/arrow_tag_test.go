//go:build !duckdb_arrow

package queries

import "testing"

// The Arrow interface of duckdb-go needs the build tag duckdb_arrow. The Makefile and .ci/run set it in
// GOFLAGS; a test run without it would silently build a binary without Arrow support.
func TestArrowBuildTag(t *testing.T) {
	t.Fatal("built without the duckdb_arrow tag: run `make test` (or GOFLAGS=-tags=duckdb_arrow go test ./...)")
}
