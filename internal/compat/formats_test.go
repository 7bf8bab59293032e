package compat_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// Policy section 2, file by file.
func TestFormatsFromFiles(t *testing.T) {
	tests := map[string]struct {
		files []string
		quant string
		mlx   bool
		want  []string
	}{
		"gguf":                      {files: []string{"model-Q4_K_M.gguf"}, want: []string{"gguf"}},
		"gguf in a folder":          {files: []string{"Q8_0/model-Q8_0.gguf"}, want: []string{"gguf"}},
		"mmproj alone is no model":  {files: []string{"mmproj-model-f16.gguf"}, want: []string{}},
		"mmproj in a folder":        {files: []string{"vision/mmproj-F16.gguf"}, want: []string{}},
		"mmproj upper case":         {files: []string{"MMPROJ-F16.gguf"}, want: []string{}},
		"mmproj beside a model":     {files: []string{"mmproj-F16.gguf", "gemma-3-12b-it-Q4_K_M.gguf"}, want: []string{"gguf"}},
		"split gguf":                {files: []string{"m-00001-of-00003.gguf", "m-00002-of-00003.gguf", "m-00003-of-00003.gguf"}, want: []string{"gguf"}},
		"safetensors":               {files: []string{"model.safetensors"}, want: []string{"safetensors"}},
		"sharded safetensors":       {files: []string{"model-00001-of-00004.safetensors", "model.safetensors.index.json"}, want: []string{"safetensors"}},
		"awq":                       {files: []string{"model.safetensors"}, quant: "awq", want: []string{"safetensors-awq"}},
		"gptq":                      {files: []string{"model.safetensors"}, quant: "gptq", want: []string{"safetensors-gptq"}},
		"bitsandbytes":              {files: []string{"model.safetensors"}, quant: "bitsandbytes", want: []string{"safetensors-bitsandbytes"}},
		"fp8":                       {files: []string{"model.safetensors"}, quant: "fp8", want: []string{"safetensors-fp8"}},
		"compressed-tensors":        {files: []string{"model.safetensors"}, quant: "compressed-tensors", want: []string{"safetensors-compressed-tensors"}},
		"quant leaves gguf alone":   {files: []string{"model.gguf"}, quant: "awq", want: []string{"gguf"}},
		"mlx":                       {files: []string{"model.safetensors"}, mlx: true, want: []string{"mlx"}},
		"mlx leaves gguf alone":     {files: []string{"model.gguf"}, mlx: true, want: []string{"gguf"}},
		"pytorch_model.bin":         {files: []string{"pytorch_model.bin"}, want: []string{"pytorch"}},
		"sharded pytorch_model":     {files: []string{"pytorch_model-00001-of-00002.bin", "pytorch_model.bin.index.json"}, want: []string{"pytorch"}},
		"other .bin is not pytorch": {files: []string{"training_args.bin", "tokenizer.bin"}, want: []string{}},
		".pt":                       {files: []string{"model.pt"}, want: []string{"pytorch"}},
		".pth":                      {files: []string{"model.pth"}, want: []string{"pytorch"}},
		"original/consolidated.pth": {files: []string{"original/consolidated.00.pth", "original/params.json"}, want: []string{"pytorch"}},
		".ckpt":                     {files: []string{"v2-1_768-ema-pruned.ckpt"}, want: []string{"pytorch"}},
		"onnx":                      {files: []string{"onnx/model.onnx"}, want: []string{"onnx"}},
		"tensorflow":                {files: []string{"tf_model.h5"}, want: []string{"tensorflow"}},
		"flax":                      {files: []string{"flax_model.msgpack"}, want: []string{"flax"}},
		"tflite":                    {files: []string{"model.tflite"}, want: []string{"tflite"}},
		"coreml":                    {files: []string{"coreml/model.mlmodel"}, want: []string{"coreml"}},
		"no weights":                {files: []string{"README.md", "config.json", "tokenizer.json", ".gitattributes"}, want: []string{}},
		"nothing":                   {files: nil, want: []string{}},
		"safetensors and pytorch":   {files: []string{"pytorch_model.bin", "model.safetensors"}, want: []string{"safetensors", "pytorch"}},
		"gguf and safetensors":      {files: []string{"model.gguf", "model.safetensors"}, want: []string{"safetensors", "gguf"}},
		"many formats, each once": {
			files: []string{"model.safetensors", "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "onnx/model.onnx", "onnx/decoder.onnx", "64-8bits.tflite", "model.safetensors"},
			want:  []string{"safetensors", "pytorch", "tensorflow", "flax", "onnx", "tflite"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := compat.FormatsFromFiles(tc.files, tc.quant, tc.mlx)
			assert.ElementsMatch(t, tc.want, got)
		})
	}
}

// Derive: formats of all kinds, and the source precedence of policy section 1.
func TestDeriveFormats(t *testing.T) {
	tests := map[string]struct {
		raw  compat.Raw
		want []string
		src  string
	}{
		"siblings": {
			raw:  withFiles(compat.Raw{}, "model.safetensors", "pytorch_model.bin"),
			want: []string{"safetensors", "pytorch"}, src: compat.SrcSiblings,
		},
		"siblings over api objects": {
			raw:  withFiles(compat.Raw{HasSafetensors: true, HasGGUF: true}, "pytorch_model.bin"),
			want: []string{"pytorch"}, src: compat.SrcSiblings,
		},
		"siblings over tags": {
			raw:  withFiles(compat.Raw{Tags: []string{"safetensors"}}, "model.gguf"),
			want: []string{"gguf"}, src: compat.SrcSiblings,
		},
		"api safetensors": {
			raw:  compat.Raw{HasSafetensors: true},
			want: []string{"safetensors"}, src: compat.SrcAPI,
		},
		"api gguf": {
			raw:  compat.Raw{HasGGUF: true},
			want: []string{"gguf"}, src: compat.SrcAPI,
		},
		"api both": {
			raw:  compat.Raw{HasSafetensors: true, HasGGUF: true},
			want: []string{"safetensors", "gguf"}, src: compat.SrcAPI,
		},
		"api over tags": {
			raw:  compat.Raw{HasSafetensors: true, Tags: []string{"gguf"}},
			want: []string{"safetensors"}, src: compat.SrcAPI,
		},
		"api quantized": {
			raw:  compat.Raw{HasSafetensors: true, QuantMethod: "gptq"},
			want: []string{"safetensors-gptq"}, src: compat.SrcAPI,
		},
		"tags safetensors": {
			raw:  compat.Raw{Tags: []string{"transformers", "safetensors", "llama"}},
			want: []string{"safetensors"}, src: compat.SrcTags,
		},
		"tags gguf and safetensors": {
			raw:  compat.Raw{Tags: []string{"gguf", "safetensors"}},
			want: []string{"safetensors", "gguf"}, src: compat.SrcTags,
		},
		"tags with mlx": {
			raw:  compat.Raw{Tags: []string{"safetensors", "mlx"}},
			want: []string{"mlx"}, src: compat.SrcTags,
		},
		"mlx library on siblings": {
			raw:  withFiles(compat.Raw{LibraryName: "mlx"}, "model.safetensors"),
			want: []string{"mlx"}, src: compat.SrcSiblings,
		},
		"mlx tag on siblings": {
			raw:  withFiles(compat.Raw{Tags: []string{"mlx", "text-generation"}}, "model.safetensors"),
			want: []string{"mlx"}, src: compat.SrcSiblings,
		},
		"mlx on the api object": {
			raw:  compat.Raw{HasSafetensors: true, LibraryName: "mlx"},
			want: []string{"mlx"}, src: compat.SrcAPI,
		},
		"quantized siblings": {
			raw:  withFiles(compat.Raw{QuantMethod: "awq"}, "model.safetensors"),
			want: []string{"safetensors-awq"}, src: compat.SrcSiblings,
		},
		// Policy 1: no siblings, objects or tags: unknown (never a default).
		"nothing": {raw: compat.Raw{}, want: nil},
		"unrelated tags only": {
			raw:  compat.Raw{Tags: []string{"transformers", "pytorch", "text-generation"}},
			want: nil,
		},
		// The sibling list was sent and names no weight file: the repository
		// has none; the objects and tags are not asked.
		"siblings without weights": {
			raw:  withFiles(compat.Raw{HasSafetensors: true, Tags: []string{"gguf"}}, "README.md", "config.json"),
			want: nil,
		},
		// A list present but empty is still the list the Hub sent ("the
		// sibling list when the Hub sent one"): the repository has no files.
		"sibling list present but empty": {
			raw:  withFiles(compat.Raw{HasSafetensors: true, HasGGUF: true, Tags: []string{"safetensors"}}),
			want: nil,
		},
		// A vision projector alone is not a model (policy 2), even in a repo
		// the Hub gives a gguf object for.
		"mmproj only": {
			raw:  withFiles(compat.Raw{HasGGUF: true, GGUFArchitecture: "clip"}, "mmproj-model-f16.gguf", "README.md"),
			want: nil,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := compat.Derive(tc.raw).Formats
			if tc.want == nil {
				assert.False(t, got.Known(), "%+v", got)
				assert.Empty(t, got.Values)
				return
			}
			assert.ElementsMatch(t, tc.want, got.Values)
			assert.Equal(t, tc.src, got.Source)
		})
	}
}

// Each format through the whole verdict, on a supported architecture.
func TestFormatVerdicts(t *testing.T) {
	llama := func(files ...string) compat.Raw {
		r := withFiles(compat.Raw{ID: "org/m", ConfigModelType: "llama"}, files...)
		return r
	}
	unsupported := map[string]struct {
		raw   compat.Raw
		found string
	}{
		"awq":                {raw: withQuant(llama("model.safetensors"), "awq"), found: "safetensors-awq"},
		"gptq":               {raw: withQuant(llama("model.safetensors"), "gptq"), found: "safetensors-gptq"},
		"bitsandbytes":       {raw: withQuant(llama("model.safetensors"), "bitsandbytes"), found: "safetensors-bitsandbytes"},
		"fp8":                {raw: withQuant(llama("model.safetensors"), "fp8"), found: "safetensors-fp8"},
		"compressed-tensors": {raw: withQuant(llama("model.safetensors"), "compressed-tensors"), found: "safetensors-compressed-tensors"},
		"mlx library":        {raw: withLibrary(llama("model.safetensors"), "mlx"), found: "mlx"},
		"mlx tag":            {raw: withTags(llama("model.safetensors"), "mlx"), found: "mlx"},
		"pytorch bin":        {raw: llama("pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"), found: "pytorch"},
		"pth":                {raw: llama("original/consolidated.00.pth", "original/params.json"), found: "pytorch"},
		"pt":                 {raw: llama("model.pt"), found: "pytorch"},
		"ckpt":               {raw: llama("model.ckpt"), found: "pytorch"},
		"onnx":               {raw: llama("onnx/model.onnx"), found: "onnx"},
		"tensorflow":         {raw: llama("tf_model.h5"), found: "tensorflow"},
		"flax":               {raw: llama("flax_model.msgpack"), found: "flax"},
		"tflite":             {raw: llama("model.tflite"), found: "tflite"},
		"coreml":             {raw: llama("model.mlmodel"), found: "coreml"},
	}
	for name, tc := range unsupported {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			requireIncompatible(t, v, compat.CodeFormatUnsupported)
			assert.Equal(t, []string{tc.found}, v.Formats)
			assert.Contains(t, v.Headline().Message, tc.found, "say which were found")
			assert.Contains(t, v.Recommendations, lookForSTorGGUF)
		})
	}

	compatible := map[string]struct {
		raw    compat.Raw
		paired string
	}{
		"gguf":                             {raw: llama("model.gguf"), paired: "gguf"},
		"split gguf":                       {raw: llama("m-00001-of-00002.gguf", "m-00002-of-00002.gguf"), paired: "gguf"},
		"mmproj beside a gguf model":       {raw: llama("mmproj-F16.gguf", "model-Q4_K_M.gguf"), paired: "gguf"},
		"safetensors":                      {raw: llama("model.safetensors"), paired: "safetensors"},
		"safetensors and pytorch":          {raw: llama("pytorch_model.bin", "model.safetensors", "original/consolidated.00.pth"), paired: "safetensors"},
		"gguf and safetensors":             {raw: llama("model.gguf", "model.safetensors"), paired: "safetensors"},
		"awq beside gguf pairs with gguf":  {raw: withQuant(llama("model.safetensors", "model.gguf"), "awq"), paired: "gguf"},
		"mlx beside gguf pairs with gguf":  {raw: withTags(llama("model.safetensors", "model.gguf"), "mlx"), paired: "gguf"},
		"onnx beside safetensors is fine":  {raw: llama("onnx/model.onnx", "model.safetensors"), paired: "safetensors"},
		"formats from the api objects":     {raw: compat.Raw{ConfigModelType: "llama", HasSafetensors: true, HasGGUF: true}, paired: "safetensors"},
		"gguf from the api objects":        {raw: compat.Raw{ConfigModelType: "llama", HasGGUF: true}, paired: "gguf"},
		"formats from tags (weak but yes)": {raw: compat.Raw{ConfigModelType: "llama", Tags: []string{"gguf"}}, paired: "gguf"},
	}
	for name, tc := range compatible {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			require.True(t, v.Compatible, "%+v", v.Reasons)
			for _, w := range v.Workers {
				assert.Equalf(t, tc.paired, w.Format, "worker %s", w.Name)
			}
			assert.Contains(t, v.Reasons[0].Message, tc.paired)
		})
	}

	t.Run("no format facts at all", func(t *testing.T) {
		v := checkRaw(compat.Raw{ID: "org/m", ConfigModelType: "llama"})
		requireIncompatible(t, v, compat.CodeFormatUnknown)
		assert.Empty(t, v.Formats)
	})
	t.Run("sibling list present but empty", func(t *testing.T) {
		r := withFiles(compat.Raw{ID: "org/m", ConfigModelType: "llama", HasSafetensors: true})
		requireIncompatible(t, checkRaw(r), compat.CodeFormatUnknown)
	})
	// A repository holding only a vision projector: the sibling list is the
	// format source and names no model file (an mmproj is not a model,
	// policy 2), so there is no weight file and no format fact: FORMAT_UNKNOWN.
	// FORMAT_UNSUPPORTED would need a format that was found to name.
	t.Run("mmproj only", func(t *testing.T) {
		r := withFiles(compat.Raw{ID: "org/m", HasGGUF: true, GGUFArchitecture: "llama"}, "mmproj-model-f16.gguf")
		v := checkRaw(r)
		requireIncompatible(t, v, compat.CodeFormatUnknown)
		assert.Empty(t, v.Formats)
	})
}

func withQuant(r compat.Raw, method string) compat.Raw {
	r.QuantMethod = method
	return r
}

func withLibrary(r compat.Raw, lib string) compat.Raw {
	r.LibraryName = lib
	return r
}

func withTags(r compat.Raw, tags ...string) compat.Raw {
	r.Tags = tags
	return r
}

// Quantized weights without a quant_method (policy section 2): older GPTQ
// repos say bits only, or ship quantize_config.json.
func TestQuantizedWithoutQuantMethod(t *testing.T) {
	cases := map[string]struct {
		raw  compat.Raw
		want []string
	}{
		"quant_method names it":            {compat.Raw{HasQuantConfig: true, QuantMethod: "AWQ", QuantBits: 4}, []string{"safetensors-awq"}},
		"bits without quant_method":        {compat.Raw{HasQuantConfig: true, QuantBits: 4}, []string{"safetensors-gptq"}},
		"empty config with the gptq file":  {compat.Raw{HasQuantConfig: true, Siblings: []string{"quantize_config.json"}}, []string{"safetensors-gptq"}},
		"empty config, no other evidence":  {compat.Raw{HasQuantConfig: true}, []string{"safetensors-quantized"}},
		"only a root quantize_config.json": {compat.Raw{Siblings: []string{"quantize_config.json"}}, []string{"safetensors-gptq"}},
		"quantize_config.json in a folder": {compat.Raw{Siblings: []string{"old/quantize_config.json"}}, []string{"safetensors"}},
		"no quantization at all":           {compat.Raw{}, []string{"safetensors"}},
		"mlx stays mlx":                    {compat.Raw{HasQuantConfig: true, QuantBits: 4, LibraryName: "mlx"}, []string{"mlx"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := c.raw
			r.ID = "o/m"
			r.HasSiblings = true
			r.Siblings = append([]string{"model.safetensors"}, r.Siblings...)
			assert.Equal(t, c.want, compat.Derive(r).Formats.Values)
		})
	}
}

// Packed weights count per element, not per parameter (policy section 1).
func TestPackedParameters(t *testing.T) {
	awq := map[string]int64{"I32": 880803840, "F16": 248578048}
	cases := map[string]struct {
		raw      compat.Raw
		want     int64
		wantSrc  string
		wantNone bool
	}{
		"awq 4-bit: 8 per element": {compat.Raw{HasQuantConfig: true, QuantMethod: "awq", QuantBits: 4, SafetensorsParams: awq, SafetensorsTotal: 1129381888},
			880803840*8 + 248578048, compat.SrcSafetensorsParamsBits, false},
		"gptq 8-bit: 4 per element": {compat.Raw{HasQuantConfig: true, QuantBits: 8, SafetensorsParams: map[string]int64{"I32": 100, "F16": 10}, SafetensorsTotal: 110},
			410, compat.SrcSafetensorsParamsBits, false},
		"3-bit: 32/3 per element": {compat.Raw{HasQuantConfig: true, QuantBits: 3, SafetensorsParams: map[string]int64{"I32": 3}},
			32, compat.SrcSafetensorsParamsBits, false},
		"mlx bits from its quantization object": {compat.Raw{LibraryName: "mlx", HasMLXQuantization: true, MLXQuantBits: 4, SafetensorsParams: map[string]int64{"U32": 200, "BF16": 100}, SafetensorsTotal: 300},
			1700, compat.SrcSafetensorsParamsBits, false},
		"quantized without bits: unknown, not the packed count": {compat.Raw{HasQuantConfig: true, QuantMethod: "bitsandbytes", SafetensorsParams: awq, SafetensorsTotal: 1129381888},
			0, "", true},
		"plain weights keep the total": {compat.Raw{SafetensorsParams: map[string]int64{"BF16": 8030261248}, SafetensorsTotal: 8030261248},
			8030261248, compat.SrcSafetensorsTotal, false},
		"I64 of a plain model is no packing": {compat.Raw{SafetensorsParams: map[string]int64{"I64": 512, "F32": 22713216}, SafetensorsTotal: 22713728},
			22713728, compat.SrcSafetensorsTotal, false},
		"quantized with no packed entries keeps the total": {compat.Raw{HasQuantConfig: true, QuantMethod: "fp8", QuantBits: 8, SafetensorsParams: map[string]int64{"F8_E4M3": 1000}, SafetensorsTotal: 1000},
			1000, compat.SrcSafetensorsTotal, false},
		"absurd counts saturate": {compat.Raw{HasQuantConfig: true, QuantBits: 1, SafetensorsParams: map[string]int64{"I32": math.MaxInt64 / 2, "F16": math.MaxInt64 / 2}},
			math.MaxInt64, compat.SrcSafetensorsParamsBits, false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			r := c.raw
			r.ID = "o/m"
			r.HasSafetensors = true
			p := compat.Derive(r).Parameters
			if c.wantNone {
				assert.False(t, p.Known(), "got %d from %s", p.Value, p.Source)
				return
			}
			assert.Equal(t, c.want, p.Value)
			assert.Equal(t, c.wantSrc, p.Source)
		})
	}
}
