// Command screenshots takes the README's pictures of the dashboards: it loads the demo data into a temporary
// database, serves it in this process and photographs the overview, a target group and a municipality with
// Debian's headless chromium (CHROMIUM=/path for another), at 1280 px and on a 360 px phone.
//
//	go run ./cmd/screenshots -o docs/screenshots    (make screenshots)
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/queries"
)

// shots are the pictures: file name, page, screen width and height, and the element scrolled to the top
// ("" for the page's top).
var shots = []struct {
	name, path    string
	width, height int64
	at            string
}{
	{"overview.png", "/?year=2023", 1280, 1100, ""},
	{"group.png", "/groups/autisme-boern?year=2023", 1280, 1100, ""},
	{"municipality.png", "/municipalities/851?year=2023&target_group=udviklingshaemning", 1280, 1100, ""},
	{"municipality-flows.png", "/municipalities/851?year=2023&target_group=udviklingshaemning", 1280, 1000, "#flows-heading"},
	{"overview-phone.png", "/?year=2023", 360, 780, "#map-heading"},
}

func main() {
	out := flag.String("o", "docs/screenshots", "folder for the PNG files")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kapacitet-screenshots")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := queries.Open(ctx, filepath.Join(dir, "demo.duckdb"), queries.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := dashboards.LoadDemo(ctx, st, analysis.DefaultConfig()); err != nil {
		return err
	}
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig()})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		if browser, err = exec.LookPath("chromium"); err != nil {
			return fmt.Errorf("Debian's chromium is needed (apt-get install -y chromium), or CHROMIUM=/path: %w", err)
		}
	}
	actx, cancelA := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(filepath.Join(dir, "chromium")))
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, s := range shots {
		var png []byte
		err := chromedp.Do(bctx, chromedp.EmulateViewport(s.width, s.height),
			chromedp.Navigate(srv.URL+s.path), chromedp.WaitVisible(chromedp.CSS(`[data-chart] canvas`)),
			chromedp.Sleep(1500*time.Millisecond), // the charts' entry animation
		)
		if err == nil && s.at != "" {
			err = chromedp.Do(bctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('`+s.at+`').scrollIntoView()`), chromedp.Sleep(300*time.Millisecond))
		}
		if err == nil {
			png, err = chromedp.Run(bctx, chromedp.CaptureScreenshot())
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(out, s.name), png, 0o644)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		fmt.Println(filepath.Join(out, s.name), s.path)
	}
	return nil
}
