package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/report"
)

// runStdin runs a command in process with stdin.
func (h *harness) runStdin(stdin string, args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	e := env{
		args:   args,
		getenv: func(k string) string { return h.vars[k] },
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errb,
	}
	code = run(context.Background(), e)
	return code, out.String(), errb.String()
}

const recordings = "../../internal/hf/testdata/hub-recordings"

// Judge agrees with check --json on every recorded real model info: the
// same verdict, field for field, when check reads no more than judge has
// (a Hub that serves the info and nothing else: no config.json, no file
// sizes). The judge line adds downloads and likes, as search --json does.
func TestJudgeAgreesWithCheckOnRecordedBodies(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(recordings, "info__*.json"))
	require.NoError(t, err)
	more, _ := filepath.Glob(filepath.Join(recordings, "*", "info__*.json"))
	files = append(files, more...)
	require.GreaterOrEqual(t, len(files), 20)
	bodies := map[string][]byte{}
	ids := map[string]string{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		m, err := hf.DecodeModel(body)
		if err != nil || hf.ValidateRepoID(m.ID) != nil {
			continue // no id (a subset the source cut): judge skips it, check cannot ask for it
		}
		bodies["/api/models/"+m.ID] = body
		ids[f] = m.ID
	}
	require.GreaterOrEqual(t, len(ids), 20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if body, ok := bodies[r.URL.Path]; ok && r.URL.Query().Get("blobs") == "" {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Error-Code", "EntryNotFound")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":"not found"}`)
	}))
	defer srv.Close()
	h := newHarness(t)
	h.vars["HF_ENDPOINT"] = srv.URL
	h.vars["HF_TOKEN"] = ""
	compatible := 0
	for f, id := range ids {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, errOut := h.run("check", id, "--json", "--no-cache", "--memory", "16GiB")
			require.Contains(t, []int{exitOK, exitNegative}, code, errOut)
			var want map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &want))
			assert.Nil(t, want["fit"], "check had no file sizes")
			delete(want, "fit")
			// check adds the model's Hub page; the search element has none.
			assert.Equal(t, "https://huggingface.co/"+want["id"].(string), want["url"])
			delete(want, "url")

			code, line, errOut := h.run("judge", f, "--memory", "16GiB")
			require.Equal(t, exitOK, code, errOut)
			assert.Empty(t, errOut)
			require.Equal(t, 1, strings.Count(line, "\n"), line)
			var got map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &got))
			assert.Contains(t, got, "downloads")
			assert.Contains(t, got, "likes")
			delete(got, "downloads")
			delete(got, "likes")
			assert.Equal(t, want, got)
			if want["compatible"] == true {
				compatible++
			}
		})
	}
	assert.Positive(t, compatible, "some recorded model is compatible")
}

// With file sizes in the input (a ?blobs=true answer), judge adds check
// --json's fit object: the same variants, sizes and levels check gives
// when it cannot read the shape either.
func TestJudgeFitFromSizes(t *testing.T) {
	h := newHarness(t)
	const id = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"
	repo, ok := h.hub.Repo(id)
	require.True(t, ok)
	resp, err := h.hub.Client().Get(h.hub.URL + "/api/models/" + id + "/revision/" + repo.SHA + "?blobs=true")
	require.NoError(t, err)
	blobs, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Contains(t, string(blobs), `"size"`)
	// The list item a static site would hold: the list's fields, with the
	// sizes of blobs=true in its siblings.
	var item map[string]any
	require.NoError(t, json.Unmarshal(blobs, &item))
	resp, err = h.hub.Client().Get(h.hub.URL + "/api/models/" + id + "?expand[]=gguf&expand[]=tags&expand[]=sha&expand[]=downloads&expand[]=likes")
	require.NoError(t, err)
	var listed map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&listed))
	resp.Body.Close()
	for k, v := range listed {
		if k != "siblings" {
			item[k] = v
		}
	}
	input, err := json.Marshal(item)
	require.NoError(t, err)

	code, out, errOut := h.runStdin(string(input), "judge", "--memory", "16GiB", "--ctx", "8192")
	require.Equal(t, exitOK, code, errOut)
	var got report.Check
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.NotNil(t, got.Fit, out)
	require.NotEmpty(t, got.Fit.Variants, out)
	for _, v := range got.Fit.Variants {
		require.NotNil(t, v.ShapeUnknown, out)
		assert.Contains(t, v.ShapeUnknown.Message, "judge sends no request")
	}

	// check, with the GGUF header and config.json out of reach.
	h.hub.Fail(hubtest.Fault{Route: hubtest.RouteResolve, Status: http.StatusNotFound})
	code, out, errOut = h.run("check", id, "--json", "--memory", "16GiB", "--ctx", "8192", "--no-cache")
	require.Equal(t, exitOK, code, errOut)
	var want report.Check
	require.NoError(t, json.Unmarshal([]byte(out), &want))
	require.NotNil(t, want.Fit, out)
	require.Len(t, want.Fit.Variants, len(got.Fit.Variants), out)
	for i, v := range want.Fit.Variants {
		require.NotNil(t, v.ShapeUnknown, out)
		*v.ShapeUnknown = *got.Fit.Variants[i].ShapeUnknown // why it is unknown differs: check could not read the header
	}
	assert.Equal(t, want.Fit, got.Fit)
	// The same warnings, each saying why the shape is unknown in its words.
	require.Len(t, got.Verdict.Warnings, len(want.Verdict.Warnings))
	for i, w := range want.Verdict.Warnings {
		assert.Equal(t, w.Code, got.Verdict.Warnings[i].Code)
		_, tail, _ := strings.Cut(w.Message, "); ")
		assert.True(t, strings.HasSuffix(got.Verdict.Warnings[i].Message, tail), "%q", got.Verdict.Warnings[i].Message)
	}
	assert.NotEmpty(t, got.Fit.Variants)
}

func TestJudgeInputsAndExit(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	good := `{"id":"org/a-GGUF","tags":["gguf"],"gguf":{"architecture":"llama","context_length":8192}}`
	other := `{"id":"org/bert","config":{"model_type":"bert"},"tags":["safetensors"]}`
	jsonl := filepath.Join(dir, "models.jsonl")
	require.NoError(t, os.WriteFile(jsonl, []byte(good+"\nnot json\n"+other+"\n"+`{"modelId":5}`+"\n"), 0o644))
	array := filepath.Join(dir, "models.json")
	require.NoError(t, os.WriteFile(array, []byte("[\n"+good+",\n"+other+"\n]\n"), 0o644))

	t.Run("array, in order, exit 0", func(t *testing.T) {
		code, out, errOut := h.run("judge", array)
		require.Equal(t, exitOK, code, errOut)
		assert.Empty(t, errOut)
		assert.Equal(t, []string{"org/a-GGUF", "org/bert"}, lineIDs(t, out))
	})
	t.Run("bad lines skipped and named, the rest judged, exit 2", func(t *testing.T) {
		code, out, errOut := h.run("judge", jsonl)
		require.Equal(t, exitError, code)
		assert.Equal(t, []string{"org/a-GGUF", "org/bert"}, lineIDs(t, out))
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		require.Len(t, lines, 3, errOut)
		assert.Contains(t, lines[0], "models.jsonl: line 2: skipped: not valid JSON")
		assert.Contains(t, lines[1], "models.jsonl: line 4: skipped: not a model")
		assert.Contains(t, lines[2], "skipped 2 parts")
	})
	t.Run("compatible only", func(t *testing.T) {
		code, out, errOut := h.run("judge", "--compatible-only", array)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, []string{"org/a-GGUF"}, lineIDs(t, out))
	})
	t.Run("standard input and files, in order", func(t *testing.T) {
		code, out, errOut := h.runStdin(other, "judge", array, "-")
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, []string{"org/a-GGUF", "org/bert", "org/bert"}, lineIDs(t, out))
	})
	t.Run("an unreadable file is named, the others judged, exit 2", func(t *testing.T) {
		code, out, errOut := h.run("judge", filepath.Join(dir, "missing.json"), array)
		require.Equal(t, exitError, code)
		assert.Equal(t, []string{"org/a-GGUF", "org/bert"}, lineIDs(t, out))
		assert.Contains(t, errOut, "cannot read "+filepath.Join(dir, "missing.json")+": no such file or directory")
	})
	t.Run("worker", func(t *testing.T) {
		code, out, errOut := h.run("judge", "--worker", "llm-worker-rbee-cpu", array)
		require.Equal(t, exitOK, code, errOut)
		var el report.SearchElement
		require.NoError(t, json.Unmarshal([]byte(strings.Split(out, "\n")[0]), &el))
		require.Len(t, el.Workers, 1)
		assert.Equal(t, "llm-worker-rbee-cpu", el.Workers[0].Name)
	})
	t.Run("unknown worker is exit 2 naming it", func(t *testing.T) {
		code, out, errOut := h.run("judge", "--worker", "nope", array)
		require.Equal(t, exitError, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, `no worker named "nope"`)
	})
	t.Run("no request", func(t *testing.T) {
		before := h.hub.Count(hubtest.RouteAny)
		h.run("judge", array, jsonl)
		assert.Equal(t, before, h.hub.Count(hubtest.RouteAny))
	})
}

// The lines of judge are exactly search --json's elements for the same
// models: same fields, order and escaping.
func TestJudgeLinesAreSearchElements(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("search", "--all", "--limit", "50", "--json", "--no-context")
	require.Equal(t, exitOK, code, errOut)
	elements := strings.Split(strings.TrimSuffix(strings.TrimPrefix(out, "[\n"), "\n]\n"), ",\n")
	require.Greater(t, len(elements), 10)
	// The same page, as the Hub sends it, judged.
	q, err := hf.ListOptions{Query: queryDownloads(), Limit: 50}.Values()
	require.NoError(t, err)
	var pages bytes.Buffer
	for next := h.hub.URL + "/api/models?" + q.Encode(); next != ""; {
		resp, err := h.hub.Client().Get(next)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var items []json.RawMessage
		require.NoError(t, json.Unmarshal(body, &items))
		for _, it := range items {
			var c bytes.Buffer
			require.NoError(t, json.Compact(&c, it))
			pages.Write(c.Bytes())
			pages.WriteByte('\n')
		}
		next = ""
		if l := resp.Header.Get("Link"); l != "" {
			next = strings.TrimPrefix(strings.Split(l, ">")[0], "<")
		}
	}
	code, lines, errOut := h.runStdin(pages.String(), "judge")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, strings.Join(elements, "\n")+"\n", lines)
}

func lineIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		var el report.SearchElement
		require.NoError(t, json.Unmarshal([]byte(l), &el), l)
		ids = append(ids, el.ID)
	}
	return ids
}

func queryDownloads() query.Query { return query.Query{Sort: "downloads"} }

// judge streams: 100,000 JSON lines of real list items through a pipe,
// each model's line out as it is judged, the binary's peak RSS under 64
// MB whatever the input's length.
func TestBinaryJudgeStreams(t *testing.T) {
	b := newBin(t, hubtest.Options{NoFixtures: true})
	var items [][]byte
	files, err := filepath.Glob(filepath.Join(recordings, "list__*.json"))
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, ".headers.json") {
			continue
		}
		body, err := os.ReadFile(f)
		require.NoError(t, err)
		var list []json.RawMessage
		require.NoError(t, json.Unmarshal(body, &list))
		for _, it := range list {
			var c bytes.Buffer
			require.NoError(t, json.Compact(&c, it))
			items = append(items, append(c.Bytes(), '\n'))
		}
	}
	require.Greater(t, len(items), 3000)
	const n = 100000
	cmd := exec.Command(binPath, "judge")
	cmd.Env = b.env()
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	go func() {
		defer stdin.Close()
		for i := range n {
			if _, err := stdin.Write(items[i%len(items)]); err != nil {
				return
			}
		}
	}()
	lines := make(chan int)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		k := 0
		for sc.Scan() {
			k++
		}
		lines <- k
	}()
	hwm := int64(0)
	var got int
	for done := false; !done; {
		if kb, ok := vmHWM(cmd.Process.Pid); ok {
			hwm = max(hwm, kb)
		}
		select {
		case got = <-lines:
			done = true
		case <-time.After(20 * time.Millisecond):
		}
	}
	require.NoError(t, cmd.Wait(), stderr.String())
	assert.Equal(t, n, got)
	assert.Empty(t, stderr.String())
	assert.Positive(t, hwm)
	assert.Less(t, hwm, int64(64<<10), "peak RSS (KiB) under 64 MB")
	t.Logf("judge of %d lines: peak RSS %d MiB", n, hwm>>10)
}
