package main

// Speed and the layer split (FIT_POLICY.md section 7) through the built
// binary against the fake Hub's bartowski/Meta-Llama-3.1-8B-Instruct-GGUF
// (the real 8B header: 292 tensors, untied output). The harness fixes the
// CPU's bandwidth (MODELBROWSER_CPU_BANDWIDTH=20) so that figures do not
// follow the moment's load.

import (
	"encoding/json"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/machine"
)

const llama8B = "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"

type speedDoc struct {
	Fit struct {
		Variants []struct {
			Name      string                     `json:"name"`
			Fit       map[string]*string         `json:"fit"`
			Speed     map[string]json.RawMessage `json:"speed"`
			GPULayers map[string]int             `json:"gpu_layers"`
		} `json:"variants"`
	} `json:"fit"`
}

type speedJSON struct {
	Decode *struct {
		Empty []float64 `json:"empty"`
		Full  []float64 `json:"full"`
	} `json:"decode"`
	Prompt *[]float64 `json:"prompt"`
	Basis  string     `json:"basis"`
	Reason string     `json:"reason"`
}

func speedOf(t *testing.T, raw json.RawMessage) speedJSON {
	t.Helper()
	var s speedJSON
	require.NoError(t, json.Unmarshal(raw, &s), "%s", raw)
	return s
}

var bandCell = regexp.MustCompile(`^~[0-9.]+ tok/s \([0-9.]+-[0-9.]+\)$`)

func TestBinarySpeedOnARTX4090(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("--vram stands for cuda and rocm on Linux")
	}
	b := newFitBin(t)
	args := []string{"check", llama8B, "--memory", "32GiB", "--vram", "24GiB", "--gpu", "NVIDIA GeForce RTX 4090"}
	r := b.run(args...)
	require.Equal(t, exitOK, r.code, "%s", r)
	_, cols, rows := fitTable(t, r.stdout)
	require.Equal(t, []string{"CPU", "CUDA", "ROCM"}, cols)
	require.Len(t, rows, 8, "%s", r.stdout)
	for _, row := range rows[1:] { // F32 (30 GiB) is an offload; every quant fits 24 GiB
		assert.Regexp(t, bandCell, row.speeds["CUDA"], "%s", row.label)
	}
	assert.Contains(t, r.stdout, "speed on llm-worker-rbee-cuda: decode at an empty context, x0.7-x1.3")
	assert.Contains(t, r.stdout, "    from gpu:NVIDIA GeForce RTX 4090 1008 GB/s")

	j := b.run(append(args, "--json")...)
	require.Equal(t, exitOK, j.code, "%s", j)
	var doc speedDoc
	require.NoError(t, json.Unmarshal([]byte(j.stdout), &doc))
	calibrated := machine.CPUClass(runtime.GOARCH) == fit.CPUAVX512
	var last float64
	for _, v := range doc.Fit.Variants[1:] {
		s := speedOf(t, v.Speed["llm-worker-rbee-cuda"])
		require.NotNil(t, s.Decode, "%s: %s", v.Name, v.Speed["llm-worker-rbee-cuda"])
		assert.Nil(t, s.Prompt, "no GPU prompt estimate")
		mid := s.Decode.Empty[1]
		assert.Greater(t, mid, last, "%s: smaller files decode faster", v.Name)
		last = mid
		assert.Less(t, s.Decode.Full[1], mid, "the KV cache read at a full context slows it")
		c := speedOf(t, v.Speed["llm-worker-rbee-cpu"])
		if calibrated {
			require.NotNil(t, c.Decode, "%s", v.Name)
			require.NotNil(t, c.Prompt)
			assert.Contains(t, c.Basis, "20.0 GB/s")
		} else {
			assert.Equal(t, "cpu-not-calibrated", c.Reason)
		}
	}
	// Q4_K_M (4.9 GB) on a 4090: ~143 tok/s by 1 / (1.5 ms + bytes / (0.83 x 1008 GB/s)).
	q4 := speedOf(t, doc.Fit.Variants[4].Speed["llm-worker-rbee-cuda"])
	require.Equal(t, "Q4_K_M", doc.Fit.Variants[4].Name)
	assert.InDelta(t, 143, q4.Decode.Empty[1], 3)
	assert.Equal(t, map[string]int{"llm-worker-rbee-cuda": 23, "llm-worker-rbee-rocm": 23}, doc.Fit.Variants[0].GPULayers, "F32 offloads")
	assert.Contains(t, string(doc.Fit.Variants[0].Speed["llm-worker-rbee-cuda"]), "partial-offload")
}

func TestBinarySpeedOffloadAndUnknownGPU(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("--vram stands for cuda and rocm on Linux")
	}
	b := newFitBin(t)
	// 5 GiB: every quant is an offload; the text gives the -ngl that fits.
	r := b.run("check", llama8B, "--memory", "32GiB", "--vram", "5GiB")
	require.Equal(t, exitOK, r.code, "%s", r)
	_, _, rows := fitTable(t, r.stdout)
	require.Equal(t, "Q8_0", rows[1].label)
	assert.Equal(t, "↓ offload", rows[1].levels["CUDA"])
	assert.Equal(t, "-ngl 12", rows[1].speeds["CUDA"], "hand count: 1.32 GB fixed + 11 blocks of 366 MB in 5 GiB")
	assert.Contains(t, r.stdout, "llama.cpp's own --fit may put one or two fewer there")
	j := b.run("check", llama8B, "--memory", "32GiB", "--vram", "5GiB", "--json")
	var doc speedDoc
	require.NoError(t, json.Unmarshal([]byte(j.stdout), &doc), "%s", j)
	prev := 0
	for _, v := range doc.Fit.Variants[1:] {
		k := v.GPULayers["llm-worker-rbee-cuda"]
		assert.GreaterOrEqual(t, k, prev, "%s: a smaller file puts more layers on the GPU", v.Name)
		prev = k
	}

	// A GPU the table lacks (or --vram without --gpu): speed unknown, with why.
	for _, extra := range [][]string{{"--gpu", "NVIDIA GeForce GTX 1050 Ti"}, nil} {
		args := append([]string{"check", llama8B, "--memory", "32GiB", "--vram", "24GiB"}, extra...)
		r := b.run(args...)
		require.Equal(t, exitOK, r.code, "%s", r)
		assert.Contains(t, r.stdout, "speed on llm-worker-rbee-cuda: speed unknown: this GPU is not in the bandwidth table")
		_, _, rows := fitTable(t, r.stdout)
		assert.Equal(t, "speed ?", rows[1].speeds["CUDA"])
		j := b.run(append(args, "--json")...)
		require.NoError(t, json.Unmarshal([]byte(j.stdout), &doc))
		assert.JSONEq(t, `{"reason": "gpu-not-calibrated"}`, string(doc.Fit.Variants[1].Speed["llm-worker-rbee-cuda"]))
	}

	// --gpu names the --vram GPU: alone it is a usage error.
	u := b.run("check", llama8B, "--gpu", "NVIDIA GeForce RTX 4090")
	assert.Equal(t, exitError, u.code, "%s", u)
	requireOneLineError(t, u)
}

func TestBinarySearchFitDecode(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("--vram stands for cuda and rocm on Linux")
	}
	b := newFitBin(t)
	r := b.run("search", "Meta-Llama-3.1-8B", "--fit", "--memory", "32GiB", "--vram", "24GiB", "--gpu", "NVIDIA GeForce RTX 4090", "--json")
	require.Equal(t, exitOK, r.code, "%s", r)
	var els []struct {
		ID  string `json:"id"`
		Fit *struct {
			Decode *float64 `json:"decode"`
			Worker *string  `json:"worker"`
		} `json:"fit"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &els))
	found := false
	for _, el := range els {
		if el.ID == llama8B {
			found = true
			require.NotNil(t, el.Fit)
			require.NotNil(t, el.Fit.Decode, "the best file's decode on the recommended worker")
			assert.Equal(t, "llm-worker-rbee-cuda", *el.Fit.Worker)
			assert.InDelta(t, 91, *el.Fit.Decode, 5, "Q8_0 (8.5 GB) on a 4090")
		}
	}
	assert.True(t, found, "%s", strings.TrimSpace(r.stdout))
}
