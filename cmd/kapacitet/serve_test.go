package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServeFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.duckdb")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--log-format", "xml"}, "--log-format is text or json"},
		{[]string{"--tls-cert", "cert.pem"}, "--tls-cert and --tls-key go together"},
		{[]string{"--trusted-proxies", "10.0.0.0/40"}, `"10.0.0.0/40" is neither an address nor a CIDR range`},
	} {
		_, errOut, code := cli(t, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %s", tc.args, code, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused serve made the database")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kapacitet test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

// serve --tls-cert/--tls-key answers HTTPS, logs each request as a JSON line, and on the end of its context
// (SIGTERM) stops cleanly: the database closed, so that another process can open it.
func TestServeTLSAndJSONLog(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	cert, key := selfSigned(t, dir)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan string, 1)
	go func() {
		_, errOut, _ := cliCtx(ctx, "serve", "--db", db, "--addr", addr, "--tls-cert", cert, "--tls-key", key, "--log-format", "json")
		done <- errOut
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	var res *http.Response
	var err error
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if res, err = client.Get("https://" + addr + "/readyz"); err == nil {
			break
		}
		if time.Since(start) > 20*time.Second {
			cancel()
			t.Fatalf("no HTTPS: %v; %s", err, <-done)
		}
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.TLS == nil {
		t.Fatalf("readyz over TLS: %s", res.Status)
	}
	if res, err := http.Get("http://" + addr + "/readyz"); err == nil && res.StatusCode == http.StatusOK {
		t.Error("plain HTTP answered on the TLS port")
	}
	cancel()
	errOut := <-done
	var found bool
	for _, line := range strings.Split(errOut, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["route"] == "/readyz" && m["status"] == float64(200) {
			found = true
		}
	}
	if !found || !strings.Contains(errOut, "on https://") || !strings.Contains(errOut, `"msg":"stopped`) {
		t.Fatalf("log:\n%s", errOut)
	}
	if _, _, code := cli(t, "batches", "--db", db); code != 0 {
		t.Fatal("the database is still held after the server stopped")
	}
}

// SIGTERM (the end of serve's context) while an upload is on its way: the server stops taking new
// connections, answers the request in flight, and only then closes the database.
func TestServeFinishesRequestsInFlight(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	if _, errOut, code := cli(t, "demo", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code := cli(t, "token", "create", "--db", db, "--role", "admin", "--name", "upload")
	if code != 0 {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan string, 1)
	go func() {
		_, errOut, _ := cliCtx(ctx, "serve", "--db", db, "--addr", addr)
		done <- errOut
	}()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatal("no server")
		}
	}
	// a capacity file sent in two halves, the server told to stop between them
	demo, err := os.ReadFile("../../data/demo/capacity.csv")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/ingest/capacity?dry_run=true&file=capacity.csv", pr)
	req.Header.Set("Authorization", "Bearer "+token)
	answer := make(chan *http.Response, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
		}
		answer <- res
	}()
	half := len(demo) / 2
	pw.Write(demo[:half])
	time.Sleep(300 * time.Millisecond) // the request is in the handler, reading its body
	cancel()
	time.Sleep(300 * time.Millisecond) // the server is shutting down
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("a new request was answered while the server stopped")
	}
	pw.Write(demo[half:])
	pw.Close()
	res := <-answer
	if res == nil {
		t.Fatal("no answer to the request in flight")
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"dry_run":true`) {
		t.Fatalf("the request in flight: %d %.300s", res.StatusCode, body)
	}
	if log := <-done; !strings.Contains(log, "stopped") {
		t.Fatalf("the server's log: %s", log)
	}
}
