// Command fakehub runs the fake Hugging Face Hub of package hubtest on a
// loopback address, so the modelbrowser binary can be tried by hand:
//
//	go run ./internal/hf/hubtest/cmd/fakehub -addr 127.0.0.1:0 -page-size 7 -synthetic 500
//	HF_ENDPOINT=<printed URL> modelbrowser search llama
//
// Besides the fixtures it serves hubtest.GetRepos (small repos with real
// bytes, for get) and, with -big N, bench/big-GGUF with one file of N
// bytes; -pace limits the rate of file bodies.
//
// -rate-limit-page N answers 429 once to list page N, asking to wait
// -rate-limit-wait (export waits it out and shows it); -stall-page N sends
// half of list page N and stalls (a run to kill in the middle of a page).
//
// It prints the URL on the first line of stdout and serves until
// interrupted. Every request is logged on stderr.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	pageSize := flag.Int("page-size", 50, "most models per list page")
	synthetic := flag.Int("synthetic", 0, "number of generated models to add to the fixtures")
	gated := flag.String("gated-tokens", "", "comma-separated tokens granted access to gated repos")
	pace := flag.Int64("pace", 0, "send file bodies at most this many bytes a second (0: no limit)")
	big := flag.Int64("big", 0, "add bench/big-GGUF, one GGUF file of this many bytes with real content")
	quiet := flag.Bool("quiet", false, "log no request")
	limitPage := flag.Int("rate-limit-page", 0, "answer 429 once to this list page (1-based), as a Hub whose quota runs out mid-way")
	limitWait := flag.Duration("rate-limit-wait", 55*time.Second, "the wait the -rate-limit-page 429 asks for")
	stallPage := flag.Int("stall-page", 0, "send half of this list page (1-based), then stall for -stall, once")
	stall := flag.Duration("stall", time.Minute, "how long the -stall-page answer stalls")
	noFixtures := flag.Bool("no-fixtures", false, "serve only the -synthetic models (no fixtures, no get repos)")
	flag.Parse()

	opts := hubtest.Options{Addr: *addr, PageSize: *pageSize, Synthetic: *synthetic, NoFixtures: *noFixtures, Log: os.Stderr, Pace: *pace}
	if *quiet {
		opts.Log = nil
	}
	if *gated != "" {
		opts.GatedTokens = strings.Split(*gated, ",")
	}
	s, err := hubtest.NewServer(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakehub:", err)
		os.Exit(2)
	}
	defer s.Close()
	if !*noFixtures {
		s.AddRepos(hubtest.GetRepos()...)
	}
	if *big > 0 {
		s.AddRepos(hubtest.BigRepo("bench/big-GGUF", *big))
	}
	if *limitPage > 0 {
		s.RateLimitPage(*limitPage, *limitWait)
	}
	if *stallPage > 0 {
		s.Fail(hubtest.Fault{Route: hubtest.RouteList, Page: *stallPage, Times: 1, Stall: *stall})
	}
	fmt.Println(s.URL)
	fmt.Fprintf(os.Stderr, "fakehub: %d models; try HF_ENDPOINT=%s (file storage at %s)\n", s.Len(), s.URL, s.FilesURL)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
