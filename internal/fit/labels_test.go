package fit

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Labels of real file names from the recordings and the fake Hub's
// samples (policy section 1 as amended): FP16 is kept as written, bare
// Q4/Q8 are labels, UD- and IQ quants, split parts.
func TestLabelsOfRealFileNames(t *testing.T) {
	cases := map[string]string{
		// microsoft/Phi-3-mini-4k-instruct-gguf
		"Phi-3-mini-4k-instruct-fp16.gguf": "FP16",
		"Phi-3-mini-4k-instruct-q4.gguf":   "Q4",
		// Qwen/Qwen2.5-0.5B-Instruct-GGUF
		"qwen2.5-0.5b-instruct-fp16.gguf":   "FP16",
		"qwen2.5-0.5b-instruct-q4_k_m.gguf": "Q4_K_M",
		"qwen2.5-0.5b-instruct-q4_0.gguf":   "Q4_0",
		// MaziyarPanahi/Phi-4-mini-instruct-GGUF
		"Phi-4-mini-instruct.fp16.gguf":   "FP16",
		"Phi-4-mini-instruct.BF16.gguf":   "BF16",
		"Phi-4-mini-instruct.Q3_K_S.gguf": "Q3_K_S",
		// unsloth/Qwen3.8-27B-GGUF
		"Qwen3.8-27B-UD-Q4_K_XL.gguf":               "UD-Q4_K_XL",
		"Qwen3.8-27B-UD-IQ2_XXS.gguf":               "UD-IQ2_XXS",
		"Qwen3.8-27B-UD-IQ1_M.gguf":                 "UD-IQ1_M",
		"Qwen3.8-27B-Q4_1.gguf":                     "Q4_1",
		"Qwen3.8-27B-UD-Q8_K_XL.gguf":               "UD-Q8_K_XL",
		"BF16/Qwen3.8-27B-BF16-00001-of-00002.gguf": "BF16",
		// bartowski/microsoft_Phi-4-mini-instruct-GGUF
		"microsoft_Phi-4-mini-instruct-IQ4_NL.gguf":  "IQ4_NL",
		"microsoft_Phi-4-mini-instruct-IQ3_XXS.gguf": "IQ3_XXS",
		"microsoft_Phi-4-mini-instruct-Q6_K_L.gguf":  "Q6_K_L",
		// ggml-org
		"gemma-3-12b-it-f16.gguf":                      "F16",
		"qwen2.5-7b-instruct-q8_0-00001-of-00003.gguf": "Q8_0",
		"mistral-7b-instruct-v0.2.Q5_K_M.gguf":         "Q5_K_M",
		// forms the policy adds
		"gpt-oss-20b-MXFP4.gguf":           "MXFP4",
		"gpt-oss-120b-mxfp4_moe.gguf":      "MXFP4_MOE",
		"m-NVFP4.gguf":                     "NVFP4",
		"m-Q4_0_4_4.gguf":                  "Q4_0_4_4",
		"m-Q4_0_8_8.gguf":                  "Q4_0_8_8",
		"m-FP32.gguf":                      "FP32",
		"m-Q2_0.gguf":                      "Q2_0",
		"model.Q8.gguf":                    "Q8",
		"model-Q4KM.gguf":                  "Q4KM",
		"Q4_K_M/model-00001-of-00002.gguf": "Q4_K_M",
		"q8/model.gguf":                    "Q8",
		"plain-model.gguf":                 "plain-model",
	}
	for path, want := range cases {
		t.Run(path, func(t *testing.T) {
			l := Variants(Repo{Files: files(path, 100)})
			require.Len(t, l.Variants, 1)
			assert.Equal(t, want, l.Variants[0].Name)
		})
	}
}

// Two variants with one label (policy section 1): the later one is
// prefixed with its folder, the safetensors one with "safetensors/", and a
// later one with no folder or in the same folder takes its stem.
func TestDuplicateLabels(t *testing.T) {
	cases := map[string]struct {
		files  []File
		params map[string]uint64
		want   []string
	}{
		"BF16 GGUF beside BF16 safetensors": {files: files("m-BF16.gguf", 300, "model.safetensors", 200),
			params: map[string]uint64{"BF16": 1}, want: []string{"BF16", "safetensors/BF16"}},
		"same quant in two folders": {files: files("a/m-Q4_K_M.gguf", 300, "b/m-Q4_K_M.gguf", 200),
			want: []string{"Q4_K_M", "b/Q4_K_M"}},
		"a single file and a split of the same quant at the root": {
			files: files("m-Q8_0.gguf", 300, "m2-Q8_0-00001-of-00002.gguf", 100, "m2-Q8_0-00002-of-00002.gguf", 100),
			want:  []string{"Q8_0", "m2-Q8_0"}},
		"same-folder twins take their stems": {
			files: files("Q8/m-Q8_0.gguf", 300, "Q8/n-Q8_0-00001-of-00002.gguf", 100, "Q8/n-Q8_0-00002-of-00002.gguf", 50),
			want:  []string{"Q8_0", "n-Q8_0"}},
		"FP16 and F16 stay apart": {files: files("m-fp16.gguf", 300, "m-f16.gguf", 200), want: []string{"FP16", "F16"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := names(Variants(Repo{Files: tc.files, Parameters: tc.params}).Variants)
			assert.Equal(t, tc.want, got)
		})
	}
}

// What llama.cpp's -hf REPO:TAG fetches, and the arguments that fetch each
// variant exactly (policy section 1).
func TestLlamaCppArgs(t *testing.T) {
	l := Variants(Repo{Files: files("m-BF16.gguf", 300, "m-F16.gguf", 200, "m-Q4_K_M.gguf", 100, "mmproj-F16.gguf", 10)})
	got := map[string][]string{}
	for _, v := range l.Variants {
		got[v.Name] = l.LlamaCppArgs("o/m", v)
	}
	assert.Equal(t, map[string][]string{
		"BF16":   {"-hf", "o/m:BF16"},
		"F16":    {"-hf", "o/m", "--hf-file", "m-F16.gguf"}, // ":F16" fetches m-BF16.gguf: "bf16." holds "f16."
		"Q4_K_M": {"-hf", "o/m:Q4_K_M"},
	}, got)

	// Splits: only part 1 can be picked, and the tag is followed by "-".
	split := Variants(Repo{Files: files("Q8_0/m-Q8_0-00002-of-00002.gguf", 100, "Q8_0/m-Q8_0-00001-of-00002.gguf", 100)})
	require.Len(t, split.Variants, 1)
	assert.Equal(t, []string{"-hf", "o/m:Q8_0"}, split.LlamaCppArgs("o/m", split.Variants[0]))

	// The safetensors variant has none.
	st := Variants(Repo{Files: files("model.safetensors", 100), Parameters: map[string]uint64{"BF16": 1}})
	assert.Nil(t, st.LlamaCppArgs("o/m", st.Variants[0]))

	assert.Equal(t, "m-Q4_K_M.gguf", LlamaCppPick([]string{"mtp-Q4_K_M.gguf", "m-Q4_K_M.gguf", "imatrix-Q4_K_M.gguf"}, "q4_k_m"))
	assert.Equal(t, "", LlamaCppPick([]string{"m-Q4_K_M-00002-of-00002.gguf"}, "Q4_K_M"))

	// A real recording: every variant of the unsloth repo gets arguments,
	// and the picked file is its own for each label the rule can reach.
	real := Variants(Repo{Files: loadTree(t, "tree__unsloth__Qwen3.8-27B-GGUF__gguf-files__gglib.json")})
	for _, v := range real.Variants {
		args := real.LlamaCppArgs("unsloth/Qwen3.8-27B-GGUF", v)
		require.NotEmpty(t, args, v.Name)
		if len(args) == 2 {
			assert.Equal(t, v.Files[0].Path, LlamaCppPick(real.ggufPaths(), v.Name), v.Name)
		}
	}
}

// ARM repacks are listed with their level but never the best, and never the
// "smallest" that max_context searches for.
func TestRepackNeverBest(t *testing.T) {
	s := llama32_3B(t)
	l := Variants(Repo{Files: files("m-Q8_0.gguf", 3000000000, "m-Q4_0_4_4.gguf", 1000000000, "m-Q4_0.gguf", 1000000001)})
	res := Judge(Input{Listing: l, Shape: &s, ModelContext: 4096, Workers: workers(), Recommended: cpuW, Machine: cpuMachine(2 * GiB)})
	var levels []string
	for _, v := range res.Variants {
		levels = append(levels, v.Name+":"+string(*v.Fit[cpuW]))
	}
	assert.Equal(t, []string{"Q8_0:too_big", "Q4_0:fits", "Q4_0_4_4:fits"}, levels)
	require.NotNil(t, res.Best[cpuW])
	assert.Equal(t, "Q4_0", *res.Best[cpuW])
	only := Judge(Input{Listing: Variants(Repo{Files: files("m-Q4_0_4_4.gguf", 1000000000)}), Shape: &s, ModelContext: 4096,
		Workers: workers(), Recommended: cpuW, Machine: cpuMachine(2 * GiB)})
	assert.Nil(t, only.Best[cpuW], "a repack alone is no best")
}

// Paths a hostile sibling list may carry are never variants (GET_POLICY
// section 1): they would be looked up on disk for the downloaded mark.
func TestUnsafePathsAreNeverVariants(t *testing.T) {
	bad := []string{"../../etc/passwd.gguf", "/etc/m-Q4_K_M.gguf", "C:/m-Q4_K_M.gguf", `a\b-Q4_K_M.gguf`, "a//m-Q4_K_M.gguf",
		"./m-Q4_K_M.gguf", "a/../m-Q4_K_M.gguf", "m-Q4_K_M\x1b[31m.gguf", "m\u0085-Q4_K_M.gguf", "", "../model.safetensors"}
	for _, p := range bad {
		assert.False(t, SafePath(p), "%q", p)
	}
	for _, p := range []string{"m-Q4_K_M.gguf", "BF16/m-BF16-00001-of-00002.gguf", "a.b/c..d.gguf", "ü/m.gguf"} {
		assert.True(t, SafePath(p), "%q", p)
	}
	var fs []File
	for _, p := range bad {
		fs = append(fs, files(p, 100)...)
	}
	l := Variants(Repo{Files: append(fs, files("ok-Q8_0.gguf", 100)...), Parameters: map[string]uint64{"BF16": 1}})
	assert.Equal(t, []string{"Q8_0"}, names(l.Variants))
	assert.Empty(t, l.Extras)
}

// A split name's claimed part count never drives a loop: 100,000 siblings
// each claiming 99,999 parts took 92 s of CPU when it did. Each is an
// incomplete variant of the parts present.
func TestHostileSplitCounts(t *testing.T) {
	var fs []File
	for i := range 20000 {
		fs = append(fs, files(fmt.Sprintf("m%d-Q4_K_M-00001-of-99999.gguf", i), 10)...)
	}
	done := make(chan Listing, 1)
	go func() { done <- Variants(Repo{Files: fs}) }()
	select {
	case l := <-done:
		require.Len(t, l.Variants, 20000)
		for _, v := range l.Variants[:10] {
			assert.False(t, v.Complete)
			assert.Len(t, v.Files, 1)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("grouping 20,000 hostile split names took over 30 s: the claimed count drives a loop")
	}
	// A count at the cap is possible; over it, never complete.
	var parts []any
	for i := 1; i <= 3; i++ {
		parts = append(parts, fmt.Sprintf("m-Q8_0-%05d-of-%05d.gguf", i, MaxParts+1), 10)
	}
	l := Variants(Repo{Files: files(parts...)})
	require.Len(t, l.Variants, 1)
	assert.False(t, l.Variants[0].Complete)
	assert.True(t, reflect.DeepEqual(len(l.Variants[0].Files), 3))
}

func BenchmarkVariantsHostileSplits(b *testing.B) {
	var fs []File
	for i := range 10000 {
		fs = append(fs, File{Path: fmt.Sprintf("m%d-Q4_K_M-00001-of-99999.gguf", i), Size: u64(10)})
	}
	for b.Loop() {
		Variants(Repo{Files: fs})
	}
}

// A label a user types matches without regard to case (FIT_POLICY
// section 6), unless that is ambiguous.
func TestFindLabelIgnoringCase(t *testing.T) {
	l := Variants(Repo{Files: files("m-Q4_K_M.gguf", 300, "m-fp16.gguf", 600, "m-F16.gguf", 500)})
	v, ok := l.Find("q4_k_m")
	require.True(t, ok)
	assert.Equal(t, "Q4_K_M", v.Name)
	v, ok = l.Find("FP16")
	require.True(t, ok)
	assert.Equal(t, "FP16", v.Name)
	_, ok = l.Find("q8_0")
	assert.False(t, ok)
	twins := Listing{Variants: []Variant{{Name: "ab"}, {Name: "AB"}}}
	_, ok = twins.Find("Ab")
	assert.False(t, ok, "two labels match ignoring case: neither is chosen")
	v, ok = twins.Find("AB")
	assert.True(t, ok && v.Name == "AB", "an exact match wins")
}
