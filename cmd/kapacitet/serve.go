package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
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
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	log := logger(e.stderr)
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: cfg, Logger: log, Version: version})
	if err != nil {
		return err
	}
	sc := echo.StartConfig{
		Address:         *addr,
		HideBanner:      true,
		HidePort:        true,
		GracefulTimeout: 5 * time.Second,
		ListenerAddrFunc: func(a net.Addr) {
			fmt.Fprintf(e.stderr, "kapacitet: serving %s on http://%s\n", f.db, a)
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
