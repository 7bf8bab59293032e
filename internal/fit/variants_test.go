package fit

import (
	"reflect"
	"testing"
)

func TestVariantsRecordedUnslothTree(t *testing.T) {
	l := Variants(Repo{Files: loadTree(t, "tree__unsloth__Qwen3.8-27B-GGUF__gguf-files__gglib.json")})
	want := []string{"BF16", "UD-Q8_K_XL", "Q8_0", "UD-Q8_K_L", "UD-Q6_K_XL", "UD-Q6_K_L", "UD-Q6_K_M", "UD-Q6_K",
		"UD-Q5_K_XL", "UD-Q5_K_M", "UD-Q5_K_S", "UD-Q4_K_XL", "Q4_1", "UD-Q4_K_M", "Q4_0", "UD-Q4_K_S", "UD-IQ4_XS",
		"UD-Q3_K_XL", "UD-IQ3_S", "UD-IQ3_XXS", "UD-Q2_K_XL", "UD-IQ2_S", "UD-IQ2_XXS", "UD-IQ1_M", "UD-IQ1_S"}
	if got := names(l.Variants); !reflect.DeepEqual(got, want) {
		t.Errorf("labels, largest first:\n got %q\nwant %q", got, want)
	}
	bf16 := l.Variants[0]
	if bf16.Size != 49986159616+4671576000 || !bf16.SizeKnown || !bf16.Complete || bf16.Parts != 2 || len(bf16.Files) != 2 ||
		bf16.Folder != "BF16" || bf16.Files[0].Path != "BF16/Qwen3.8-27B-BF16-00001-of-00002.gguf" {
		t.Errorf("BF16 split variant = %+v", bf16)
	}
	last := l.Variants[len(l.Variants)-1]
	if last.Size != 6192222208 || last.Parts != 1 || !last.Complete {
		t.Errorf("smallest = %+v", last)
	}
	wantExtras := []string{"mtp:MTP/mtp-Qwen3.8-27B-Q4_0.gguf", "imatrix:imatrix_unsloth.gguf", "mmproj:mmproj-BF16.gguf", "mmproj:mmproj-F16.gguf"}
	if got := extras(l.Extras); !reflect.DeepEqual(got, wantExtras) {
		t.Errorf("extras\n got %q\nwant %q", got, wantExtras)
	}
}

func TestVariantsRecordedSubsetWithLFSSizes(t *testing.T) {
	// The same repo as another client recorded it: lfs.size, a README and
	// a directory entry beside the GGUF files.
	l := Variants(Repo{Files: loadTree(t, "tree__unsloth__Qwen3.8-27B-GGUF__subset__ollama-model-manager.json")})
	want := []string{"BF16", "Q8_0", "UD-Q4_K_M", "UD-IQ1_S"}
	if got := names(l.Variants); !reflect.DeepEqual(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
	if l.Variants[0].Size != 54657735616 {
		t.Errorf("BF16 size %d", l.Variants[0].Size)
	}
	if len(l.Extras) != 4 {
		t.Errorf("extras %q", extras(l.Extras))
	}
}

func TestVariantsRecordedModelInfoWithoutSizes(t *testing.T) {
	// Model info without blobs=true: no sizes, so the order is by path and
	// every size is unknown.
	l := Variants(Repo{Files: loadSiblings(t, "info__unsloth__Phi-4-mini-instruct-GGUF.json")})
	want := []string{"Q2_K", "Q2_K_L", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "BF16", "Q8_0"}
	if got := names(l.Variants); !reflect.DeepEqual(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
	for _, v := range l.Variants {
		if v.SizeKnown || v.Weights() != nil || !v.Complete {
			t.Errorf("%s: SizeKnown=%v Complete=%v, want unknown size and complete", v.Name, v.SizeKnown, v.Complete)
		}
	}
	if len(l.Extras) != 0 {
		t.Errorf("extras %q", extras(l.Extras))
	}
}

func TestVariantsRecordedMMProj(t *testing.T) {
	l := Variants(Repo{Files: loadSiblings(t, "model_ggml-org_gemma-3-12b-it-GGUF.json")})
	if got, want := names(l.Variants), []string{"Q4_K_M", "Q8_0", "F16"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels %q, want %q", got, want)
	}
	if got, want := extras(l.Extras), []string{"mmproj:mmproj-model-f16.gguf"}; !reflect.DeepEqual(got, want) {
		t.Errorf("extras %q, want %q", got, want)
	}
}

func TestVariantsGrouping(t *testing.T) {
	type v struct {
		name     string
		size     int // -1: unknown
		parts    int
		present  int
		complete bool
	}
	cases := map[string]struct {
		repo   Repo
		want   []v
		extras []string
	}{
		"bartowski names, imatrix file, folder of split parts": {
			repo: Repo{Files: files(
				"Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", 4920739232,
				"Meta-Llama-3.1-8B-Instruct-IQ4_XS.gguf", 4447663520,
				"Meta-Llama-3.1-8B-Instruct-Q6_K_L.gguf", 6847372704,
				"Meta-Llama-3.1-8B-Instruct-f32.gguf", 32132912832,
				"Meta-Llama-3.1-8B-Instruct-Q8_0/Meta-Llama-3.1-8B-Instruct-Q8_0-00001-of-00002.gguf", 5000000000,
				"Meta-Llama-3.1-8B-Instruct-Q8_0/Meta-Llama-3.1-8B-Instruct-Q8_0-00002-of-00002.gguf", 3540000000,
				"Meta-Llama-3.1-8B-Instruct.imatrix", 4988158,
				"README.md", 100)},
			want: []v{
				{"F32", 32132912832, 1, 1, true},
				{"Q8_0", 8540000000, 2, 2, true},
				{"Q6_K_L", 6847372704, 1, 1, true},
				{"Q4_K_M", 4920739232, 1, 1, true},
				{"IQ4_XS", 4447663520, 1, 1, true}},
			extras: []string{"imatrix:Meta-Llama-3.1-8B-Instruct.imatrix"},
		},
		"a missing part: listed incomplete, sized by the parts present": {
			repo: Repo{Files: files(
				"big-Q4_K_M-00001-of-00003.gguf", 100,
				"big-Q4_K_M-00003-of-00003.gguf", 50,
				"small-Q2_K.gguf", 120)},
			want: []v{{"Q4_K_M", 150, 3, 2, false}, {"Q2_K", 120, 1, 1, true}},
		},
		"parts of one stem in two folders are two variants": {
			repo: Repo{Files: files(
				"a/m-Q4_0-00001-of-00002.gguf", 10, "a/m-Q4_0-00002-of-00002.gguf", 10,
				"b/m-Q4_0-00001-of-00002.gguf", 5, "b/m-Q4_0-00002-of-00002.gguf", 5)},
			want: []v{{"Q4_0", 20, 2, 2, true}, {"b/Q4_0", 10, 2, 2, true}},
		},
		"quant folders label files that name no quant": {
			repo: Repo{Files: files(
				"Q4_K_M/model-00001-of-00002.gguf", 300, "Q4_K_M/model-00002-of-00002.gguf", 200,
				"UD-Q2_K_XL/model-00001-of-00001.gguf", 250)},
			want: []v{{"Q4_K_M", 500, 2, 2, true}, {"UD-Q2_K_XL", 250, 1, 1, true}},
		},
		"the last match wins; no match gives the stem": {
			repo: Repo{Files: files(
				"Qwen2.5-Q8_0-distill-Q4_K_S.gguf", 30,
				"tinyllama.gguf", 20,
				"x.Q5_1.gguf", 10)},
			want: []v{{"Q4_K_S", 30, 1, 1, true}, {"tinyllama", 20, 1, 1, true}, {"Q5_1", 10, 1, 1, true}},
		},
		"mmproj, imatrix and mtp are never variants": {
			repo: Repo{Files: files(
				"model-Q4_K_M.gguf", 10,
				"MMPROJ-model-F16.gguf", 5,
				"vision/proj-mmproj-f16.gguf", 5,
				"model-imatrix-Q8_0.gguf", 3,
				"mtp/head-Q8_0.gguf", 2,
				"Mtp-head-Q4_0.gguf", 1)},
			want: []v{{"Q4_K_M", 10, 1, 1, true}},
			extras: []string{"mmproj:MMPROJ-model-F16.gguf", "mtp:Mtp-head-Q4_0.gguf", "imatrix:model-imatrix-Q8_0.gguf",
				"mtp:mtp/head-Q8_0.gguf", "mmproj:vision/proj-mmproj-f16.gguf"},
		},
		"a part without a size makes the variant's size unknown": {
			repo: Repo{Files: files(
				"m-Q4_0-00001-of-00002.gguf", 10, "m-Q4_0-00002-of-00002.gguf", -1,
				"m-Q2_K.gguf", 5)},
			want: []v{{"Q2_K", 5, 1, 1, true}, {"Q4_0", -1, 2, 2, true}},
		},
		"a root duplicate falls back to its stem": {
			repo: Repo{Files: files("a-Q4_0.gguf", 20, "b-Q4_0.gguf", 10)},
			want: []v{{"Q4_0", 20, 1, 1, true}, {"b-Q4_0", 10, 1, 1, true}},
		},
		"model.safetensors; consolidated never; duplicate label prefixed": {
			repo: Repo{Files: files(
				"model.safetensors", 2000,
				"consolidated.safetensors", 2000,
				"other.safetensors", 7,
				"m-BF16.gguf", 2100),
				Parameters: map[string]uint64{"BF16": 1000, "F32": 10}},
			want: []v{{"BF16", 2100, 1, 1, true}, {"safetensors/BF16", 2000, 1, 1, true}},
		},
		"sharded safetensors with a missing shard": {
			repo: Repo{Files: files(
				"model-00001-of-00003.safetensors", 100,
				"model-00003-of-00003.safetensors", 100,
				"model.safetensors.index.json", 1,
				"consolidated-00001-of-00002.safetensors", 100),
				Parameters: map[string]uint64{"F16": 1}},
			want: []v{{"F16", 200, 3, 2, false}},
		},
		"every root safetensors file when neither name exists": {
			repo: Repo{Files: files(
				"adapter.safetensors", 10,
				"weights.safetensors", 30,
				"sub/extra.safetensors", 99,
				"consolidated.00.safetensors", 40),
				Parameters: map[string]uint64{"F32": 5, "BF16": 9}},
			want: []v{{"BF16", 40, 2, 2, true}},
		},
		"quantized safetensors take the method": {
			repo: Repo{Files: files("model.safetensors", 10), Parameters: map[string]uint64{"I32": 9, "F16": 1}, QuantMethod: "awq"},
			want: []v{{"awq", 10, 1, 1, true}},
		},
		"no dtype known": {
			repo: Repo{Files: files("model.safetensors", 10)},
			want: []v{{"safetensors", 10, 1, 1, true}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			l := Variants(tc.repo)
			var got []v
			for _, x := range l.Variants {
				size := int(x.Size)
				if !x.SizeKnown {
					size = -1
				}
				got = append(got, v{x.Name, size, x.Parts, len(x.Files), x.Complete})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("variants\n got %+v\nwant %+v", got, tc.want)
			}
			if g := extras(l.Extras); !reflect.DeepEqual(g, tc.extras) {
				t.Errorf("extras\n got %q\nwant %q", g, tc.extras)
			}
		})
	}
}

func TestVariantFormats(t *testing.T) {
	l := Variants(Repo{Files: files("model.safetensors", 10, "m-Q4_0.gguf", 5), QuantMethod: "gptq"})
	got := map[string]string{}
	for _, v := range l.Variants {
		got[v.Name] = v.Format
	}
	want := map[string]string{"gptq": "safetensors-gptq", "Q4_0": "gguf"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("formats %v, want %v", got, want)
	}
}

func TestLabel(t *testing.T) {
	cases := map[string]string{
		"Qwen3.8-27B-UD-Q4_K_XL":   "UD-Q4_K_XL",
		"gemma-3-12b-it-f16":       "F16",
		"Phi-4-mini-instruct.BF16": "BF16",
		"model-iq3_xxs":            "IQ3_XXS",
		"model-IQ4_NL":             "IQ4_NL",
		"gpt-oss-20b-mxfp4":        "MXFP4",
		"m-TQ1_0":                  "TQ1_0",
		"m-Q8_K_XL":                "Q8_K_XL",
		"m-Q2_K_L":                 "Q2_K_L",
		"nothing-here":             "",
		"Q8_0-then-Q3_K_M":         "Q3_K_M",
	}
	for in, want := range cases {
		if got := Label(in); got != want {
			t.Errorf("Label(%q) = %q, want %q", in, got, want)
		}
	}
}
