package queries

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static void kapacitet_trim(void) { malloc_trim(0); }
#else
static void kapacitet_trim(void) { }
#endif
*/
import "C"

import (
	"runtime/debug"
	"time"
)

// DuckDB allocates through the C library's malloc (this build of it has no jemalloc). glibc's malloc keeps
// what is freed in its arenas (one per thread that allocated, up to 8 per core) rather than giving it back,
// and a server's cgo calls run on many threads: under a steady load its resident memory crept up by about
// 100 MiB in 5 minutes while DuckDB's own count (duckdb_memory()) stayed at 25-70 MiB and Go's heap did not
// grow (make soak). A store hands the freed memory back every releaseEvery.

// ReleaseMemory returns the memory freed but kept by Go's heap and the C library's malloc to the operating
// system (malloc_trim with glibc; nothing to do for the C heap elsewhere).
func ReleaseMemory() {
	debug.FreeOSMemory()
	C.kapacitet_trim()
}

// releaseEvery is how often an open store trims the C library's heap (releaseLoop).
const releaseEvery = time.Minute

// releaseLoop trims the C heap every releaseEvery until stop is closed (Store.Close).
func releaseLoop(stop <-chan struct{}) {
	t := time.NewTicker(releaseEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			C.kapacitet_trim()
		}
	}
}
