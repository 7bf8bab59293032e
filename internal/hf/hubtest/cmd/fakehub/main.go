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
	flag.Parse()

	opts := hubtest.Options{Addr: *addr, PageSize: *pageSize, Synthetic: *synthetic, Log: os.Stderr, Pace: *pace}
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
	s.AddRepos(hubtest.GetRepos()...)
	if *big > 0 {
		s.AddRepos(hubtest.BigRepo("bench/big-GGUF", *big))
	}
	fmt.Println(s.URL)
	fmt.Fprintf(os.Stderr, "fakehub: %d models; try HF_ENDPOINT=%s (file storage at %s)\n", s.Len(), s.URL, s.FilesURL)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}
