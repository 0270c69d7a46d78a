package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data/scale"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

func natStore(b testing.TB) *queries.Store {
	ctx := context.Background()
	path := "/tmp/nb/nat.duckdb"
	_, err := os.Stat(path)
	build := err != nil
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if build {
		opt := scale.DefaultOptions()
		opt.Purchases = 10_000_000
		dir := "/tmp/nb/files"
		if _, err := scale.National(dir, opt); err != nil {
			b.Fatal(err)
		}
		for _, d := range data.Datasets {
			content, _ := os.ReadFile(filepath.Join(dir, d.Name+".csv"))
			if _, err := ingest.File(ctx, st, d, d.Name+".csv", content, ingest.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		for y := opt.LastYear - opt.Years + 1; y <= opt.LastYear; y++ {
			if _, _, err := dashboards.Publish(ctx, st, y, analysis.DefaultConfig(), "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
	return st
}

func BenchmarkNat(b *testing.B) {
	ctx := context.Background()
	st := natStore(b)
	defer st.Close()
	cfg := analysis.DefaultConfig()
	st.Read(ctx, func(rd *queries.Reader) error { _, err := dashboards.ComputeFindings(ctx, rd, queries.View{}, cfg, "da"); return err })
	b.Run("bare", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			st.Read(ctx, func(rd *queries.Reader) error { _, err := rd.BareAggregates(ctx, queries.View{}); return err })
		}
	})
	b.Run("findings", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := st.Read(ctx, func(rd *queries.Reader) error { _, err := dashboards.ComputeFindings(ctx, rd, queries.View{}, cfg, "da"); return err }); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkParts(b *testing.B) {
	ctx := context.Background()
	st := natStore(b)
	defer st.Close()
	cfg := analysis.DefaultConfig()
	st.Read(ctx, func(rd *queries.Reader) error { _, err := dashboards.ComputeFindings(ctx, rd, queries.View{}, cfg, "da"); return err })
	v := queries.View{}
	var in analysis.Input
	var flows []data.PurchaseFlow
	var occ []queries.OfferOccupancy
	var lines []data.CapacityLine
	var tariffs []data.TariffLine
	rd := func(name string, f func(rd *queries.Reader) error) {
		st.Read(ctx, f)
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st.Read(ctx, f)
			}
		})
	}
	rd("input", func(r *queries.Reader) error { var err error; in, err = dashboards.AnalysisInput(ctx, r, v); return err })
	rd("flows", func(r *queries.Reader) error { var err error; flows, err = r.PurchaseFlows(ctx, v); return err })
	rd("occ", func(r *queries.Reader) error { var err error; occ, err = r.OfferOccupancy(ctx, v); return err })
	rd("lines", func(r *queries.Reader) error { var err error; lines, err = r.CapacityLines(ctx, v); return err })
	rd("tariffs", func(r *queries.Reader) error { var err error; tariffs, err = r.TariffLines(ctx, v); return err })
	an := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f()
			}
		})
	}
	an("Gaps", func() { analysis.Gaps(in, cfg, "da") })
	an("Central", func() { analysis.CentralAnnouncements(in, flows, cfg, "da") })
	an("Self", func() { analysis.SelfSufficiency(flows, true, "da") })
	an("Occ", func() {
		var offers []analysis.OfferYear
		for _, o := range occ {
			offers = append(offers, analysis.OfferYear{Year: o.Year, OfferID: o.OfferID, Name: o.Name, Location: o.Location,
				TargetGroup: o.TargetGroup, Places: o.Places, Occupied: data.Hundredths(o.OccupiedH), HasOccupied: o.HasOccupied,
				Budgeted: data.Hundredths(o.BudgetedH), Enhanced: o.Enhanced, Secure: o.Secure, National: o.National})
		}
		analysis.Occupancy(offers, cfg, "da")
	})
	an("Changes", func() { analysis.CapacityChanges(lines, "da") })
	an("Tariffs", func() { analysis.Tariffs(tariffs, cfg, "da") })
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestCPU(t *testing.T) {
	ctx := context.Background()
	st := natStore(t)
	defer st.Close()
	cfg := analysis.DefaultConfig()
	f := func(rd *queries.Reader) error { _, err := dashboards.ComputeFindings(ctx, rd, queries.View{}, cfg, "da"); return err }
	st.Read(ctx, f)
	for _, c := range []struct{ name string; f func(rd *queries.Reader) error }{
		{"bare", func(rd *queries.Reader) error { _, err := rd.BareAggregates(ctx, queries.View{}); return err }},
		{"findings", f},
		{"bare", func(rd *queries.Reader) error { _, err := rd.BareAggregates(ctx, queries.View{}); return err }},
		{"findings", f},
	} {
		c0, w0 := cpuNow(), time.Now()
		for i := 0; i < 20; i++ {
			st.Read(ctx, c.f)
		}
		t.Logf("%s: wall %v cpu %v per run", c.name, time.Since(w0)/20, (cpuNow()-c0)/20)
	}
}

func TestProf(t *testing.T) {
	ctx := context.Background()
	st := natStore(t)
	defer st.Close()
	cfg := analysis.DefaultConfig()
	f := func(rd *queries.Reader) error { _, err := dashboards.ComputeFindings(ctx, rd, queries.View{}, cfg, "da"); return err }
	st.Read(ctx, f)
	pf, _ := os.Create("/tmp/steady.prof")
	pprof.StartCPUProfile(pf)
	for i := 0; i < 40; i++ {
		st.Read(ctx, f)
	}
	pprof.StopCPUProfile()
	pf.Close()
}

func TestContention(t *testing.T) {
	ctx := context.Background()
	st := natStore(t)
	defer st.Close()
	cfg := analysis.DefaultConfig()
	var in analysis.Input
	st.Read(ctx, func(r *queries.Reader) error { var err error; in, err = dashboards.AnalysisInput(ctx, r, queries.View{}); return err })
	analysis.Gaps(in, cfg, "da")
	gaps := func() time.Duration {
		t0 := time.Now()
		for i := 0; i < 10; i++ {
			analysis.Gaps(in, cfg, "da")
		}
		return time.Since(t0) / 10
	}
	bare := func() time.Duration {
		t0 := time.Now()
		for i := 0; i < 10; i++ {
			st.Read(ctx, func(rd *queries.Reader) error { _, err := rd.BareAggregates(ctx, queries.View{}); return err })
		}
		return time.Since(t0) / 10
	}
	t.Logf("alone: gaps %v bare %v", gaps(), bare())
	done := make(chan time.Duration)
	go func() { done <- bare() }()
	g := gaps()
	t.Logf("together: gaps %v bare %v", g, <-done)
	go func() { done <- gaps() }()
	b := bare()
	t.Logf("together: bare %v gaps %v", b, <-done)
}
