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
	log := logger(e.stderr)
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
		CLI: remoteHandler(st, cfgFile)})
	if err != nil {
		return err
	}
	sc := echo.StartConfig{
		Address:         *addr,
		HideBanner:      true,
		HidePort:        true,
		GracefulTimeout: 5 * time.Second,
		ListenerAddrFunc: func(a net.Addr) {
			fmt.Fprintf(e.stderr, "kapacitet: serving %s on http://%s (commands on %s)\n", f.db, a, sock)
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
	if err := sc.Start(e.ctx, h); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
