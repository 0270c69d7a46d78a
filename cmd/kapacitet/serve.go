package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/dashboards"
)

func init() {
	register(command{name: "serve", summary: "serve the dashboards and the API (default :8080)", run: runServe})
}

func runServe(e *env, args []string) error {
	f := newFlags(e, "serve")
	def := e.getenv("KAPACITET_ADDR")
	if def == "" {
		def = ":8080"
	}
	addr := f.String("addr", def, "address to listen on (KAPACITET_ADDR)")
	logFormat := f.String("log-format", "text", "log lines: text or json (one line per request, with its id)")
	tlsCert := f.String("tls-cert", "", "serve HTTPS with this certificate file (PEM; with --tls-key)")
	tlsKey := f.String("tls-key", "", "the certificate's private key file (PEM)")
	proxies := f.String("trusted-proxies", e.getenv("KAPACITET_TRUSTED_PROXIES"),
		"reverse proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto count (KAPACITET_TRUSTED_PROXIES)")
	public := f.Bool("public", true, "the published editions are the public's; --public=false: every page and API call needs a token or a browser session")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.noArgs(pos); err != nil {
		return err
	}
	cfg, err := f.analysisConfig()
	if err != nil {
		return err
	}
	log, err := logger(e.stderr, *logFormat)
	if err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	trusted, err := dashboards.ParseTrustedProxies(*proxies)
	if err != nil {
		return usagef("--%v", err)
	}
	// the socket first: a second server of the same file says so, before the file's lock would
	sockL, sock, err := listenSocket(e.path(f.db))
	if err != nil {
		return err
	}
	defer os.Remove(sock)
	defer sockL.Close()
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	cfgFile, err := f.configFile()
	if err != nil {
		return err
	}
	owner := &http.Server{Handler: socketHandler(st, cfgFile), ReadHeaderTimeout: 10 * time.Second}
	go owner.Serve(sockL)
	defer func() { // commands in flight finish (a minute at most)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		owner.Shutdown(ctx)
	}()
	lim, err := f.limits()
	if err != nil {
		return err
	}
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: cfg, Limits: lim, Logger: log, Version: version,
		CLI: remoteHandler(st, cfgFile), TrustedProxies: trusted, Private: !*public})
	if err != nil {
		return err
	}
	sc := echo.StartConfig{
		Address:         *addr,
		HideBanner:      true,
		HidePort:        true,
		GracefulTimeout: 30 * time.Second, // SIGTERM: requests in flight finish (30 s at most), then DuckDB closes
		ListenerAddrFunc: func(a net.Addr) {
			scheme := "http"
			if *tlsCert != "" {
				scheme = "https"
			}
			fmt.Fprintf(e.stderr, "kapacitet: serving %s on %s://%s (commands on %s)\n", f.db, scheme, a, sock)
		},
		BeforeServeFunc: func(s *http.Server) error {
			s.ReadHeaderTimeout = 10 * time.Second
			s.ReadTimeout = 60 * time.Second
			s.WriteTimeout = 5 * time.Minute
			s.IdleTimeout = 2 * time.Minute
			s.MaxHeaderBytes = 1 << 20
			return nil
		},
	}
	if *tlsCert != "" {
		var cert, key []byte
		if cert, err = os.ReadFile(e.path(*tlsCert)); err == nil {
			key, err = os.ReadFile(e.path(*tlsKey))
		}
		if err == nil {
			err = sc.StartTLS(e.ctx, h, cert, key)
		}
	} else {
		err = sc.Start(e.ctx, h)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped: requests in flight answered, database closed")
	return nil
}
