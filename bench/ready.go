package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	pqfile "github.com/apache/arrow-go/v18/parquet/file"

	"github.com/kapacitet/kapacitet/queries"
)

// benchReady starts `binary serve` on the database at path and times its start to the first 200 of
// /readyz (median of three starts), against DuckDB's own open of the file with a first query in this
// process.
func benchReady(ctx context.Context, binary, path string) (result, error) {
	var times []time.Duration
	var peak int64
	for range 3 {
		srv, err := startServer(ctx, binary, path)
		if err != nil {
			return result{}, err
		}
		peak = max(peak, peakOf(srv.cmd)) // the server's own
		if err := srv.stop(); err != nil {
			return result{}, err
		}
		times = append(times, srv.ready)
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

// server is a `kapacitet serve` started by startServer.
type server struct {
	cmd   *exec.Cmd
	url   string
	ready time.Duration // from its start to the first 200 of /readyz
}

// startServer starts `binary serve` on the database at path on a free port of the loopback and waits
// (at most 30 s) until /readyz answers 200.
func startServer(ctx context.Context, binary, path string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	srv := &server{cmd: exec.CommandContext(ctx, binary, "serve", "--db", path, "--addr", addr), url: "http://" + addr}
	srv.cmd.Stderr = nil // its log: not the table's
	start := time.Now()
	if err := srv.cmd.Start(); err != nil {
		return nil, err
	}
	for {
		res, err := http.Get(srv.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				srv.ready = time.Since(start)
				return srv, nil
			}
		}
		if time.Since(start) > 30*time.Second {
			srv.cmd.Process.Kill()
			srv.cmd.Wait()
			return nil, fmt.Errorf("serve: not ready after 30 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// download GETs route with the bearer token and writes the body to file.
func (s *server) download(route, token, file string) error {
	req, err := http.NewRequest("GET", s.url+route, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", route, res.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// stop ends the server as a service manager does (SIGTERM) and waits for it.
func (s *server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// peakOf is the peak resident set size (VmHWM) of a running process; 0 where unknown. Not the rusage of
// one that has ended: Go starts a child sharing its own memory until the exec (vfork), and Linux counts the
// parent's peak at that moment as the child's (ru_maxrss), so every child of this process would show at
// least this process's peak.
func peakOf(cmd *exec.Cmd) int64 { return procStatus(strconv.Itoa(cmd.Process.Pid), "VmHWM") }

// runWatched runs cmd and returns its peak resident set size, read from /proc every 2 ms while it runs
// (VmHWM only grows; what it gains in its last 2 ms is missed), with its combined output on failure.
func runWatched(cmd *exec.Cmd) (int64, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return 0, fmt.Errorf("%w: %s", err, out.Bytes())
			}
			return peak, nil
		case <-tick.C:
			peak = max(peak, peakOf(cmd))
		}
	}
}

// checkParquetRows fails unless the Parquet file has n rows (its footer's count, read with arrow-go).
func checkParquetRows(file string, n int) error {
	r, err := pqfile.OpenParquetFile(file, false)
	if err != nil {
		return err
	}
	defer r.Close()
	if got := r.NumRows(); got != int64(n) {
		return fmt.Errorf("%s: %d rows, want %d", file, got, n)
	}
	return nil
}
