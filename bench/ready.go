package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/kapacitet/kapacitet/queries"
)

// benchReady starts `binary serve` on the database at path and times its start to the first 200 of
// /readyz (median of three starts), against DuckDB's own open of the file with a first query in this
// process.
func benchReady(ctx context.Context, binary, path string) (result, error) {
	var times []time.Duration
	var peak int64
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return result{}, err
		}
		addr := l.Addr().String()
		l.Close()
		cmd := exec.Command(binary, "serve", "--db", path, "--addr", addr)
		cmd.Stderr = nil // its log: not the table's
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return result{}, err
		}
		var took time.Duration
		for {
			res, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					took = time.Since(start)
					break
				}
			}
			if time.Since(start) > 30*time.Second {
				cmd.Process.Kill()
				cmd.Wait()
				return result{}, fmt.Errorf("not ready after 30 s")
			}
			time.Sleep(2 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			return result{}, fmt.Errorf("serve: %w", err)
		}
		times = append(times, took)
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss<<10) // the server's own peak (kB)
		}
	}
	base, err := queries.BaselineOpen(ctx, path)
	if err != nil {
		return result{}, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return result{}, err
	}
	med := median(times)
	return result{name: fmt.Sprintf("kapacitet serve: start to /readyz (national, %d MiB)", fi.Size()>>20), rows: 1, perOp: med, peak: peak, baseline: base,
		ratio: fmt.Sprintf("%.2f time", float64(med)/float64(base))}, nil
}
