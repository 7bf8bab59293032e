package hf

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// facts is what extraction must find for one repository.
type facts struct {
	arch, archSrc string
	formats       []string
	formatsSrc    string
	ctx           int64
	ctxSrc        string
	params        int64
	paramsSrc     string
	gated         string
}

func factsOf(m compat.Model) facts {
	return facts{
		arch: m.Architecture.Value, archSrc: m.Architecture.Source,
		formats: m.Formats.Values, formatsSrc: m.Formats.Source,
		ctx: m.ContextLength.Value, ctxSrc: m.ContextLength.Source,
		params: m.Parameters.Value, paramsSrc: m.Parameters.Source,
		gated: m.Gated,
	}
}

const (
	st   = compat.SrcSafetensorsTotal
	gt   = compat.SrcGGUFTotal
	sib  = compat.SrcSiblings
	mt   = compat.SrcConfigModelType
	ga   = compat.SrcGGUFArchitecture
	gctx = compat.SrcGGUFContext
)

func TestExtractHubtestFixtures(t *testing.T) {
	want := map[string]facts{
		"meta-llama/Llama-3.1-8B-Instruct":          {"llama", mt, []string{"safetensors", "pytorch"}, sib, 0, "", 8030261248, st, "manual"},
		"mistralai/Mistral-7B-Instruct-v0.3":        {"mistral", mt, []string{"safetensors"}, sib, 0, "", 7248023552, st, "auto"},
		"HuggingFaceH4/zephyr-7b-beta":              {"mistral", mt, []string{"safetensors", "pytorch"}, sib, 0, "", 7241732096, st, ""},
		"mistralai/Mixtral-8x7B-Instruct-v0.1":      {"mixtral", mt, []string{"safetensors"}, sib, 0, "", 46702792704, st, ""},
		"Qwen/Qwen3-30B-A3B":                        {"qwen3_moe", mt, []string{"safetensors"}, sib, 0, "", 30532122624, st, ""},
		"google/gemma-3-1b-it":                      {"gemma3_text", mt, []string{"safetensors"}, sib, 0, "", 999885952, st, "manual"},
		"NousResearch/Hermes-3-Llama-3.1-8B":        {"llama", compat.SrcConfigArchs, []string{"safetensors"}, sib, 0, "", 8030261248, st, ""},
		"Qwen/Qwen2-VL-7B-Instruct":                 {"qwen2_vl", mt, []string{"safetensors"}, sib, 0, "", 8291375616, st, ""},
		"TheBloke/Llama-2-7B-Chat-AWQ":              {"llama", mt, []string{"safetensors-awq"}, sib, 0, "", 7295008768, compat.SrcSafetensorsParamsBits, ""},
		"mlx-community/Llama-3.2-1B-Instruct-4bit":  {"llama", mt, []string{"mlx"}, sib, 0, "", 193562624, st, ""},
		"onnx-community/Qwen2.5-0.5B-Instruct":      {"qwen2", mt, []string{"onnx"}, sib, 0, "", 0, "", ""},
		"ggml-org/gemma-3-1b-it-GGUF":               {"gemma3", ga, []string{"gguf"}, sib, 32768, gctx, 999885952, gt, ""},
		"ggml-org/gemma-3-12b-it-GGUF":              {"gemma3", ga, []string{"gguf"}, sib, 131072, gctx, 11765788416, gt, ""},
		"TheBloke/Mistral-7B-Instruct-v0.2-GGUF":    {"llama", ga, []string{"gguf"}, sib, 32768, gctx, 7241732096, gt, ""},
		"Qwen/Qwen2.5-7B-Instruct-GGUF":             {"qwen2", ga, []string{"gguf"}, sib, 32768, gctx, 7615616512, gt, ""},
		"example-org/llava-1.6-projector-GGUF":      {"clip", ga, nil, "", 0, "", 311895040, gt, ""},
		"openai-community/gpt2":                     {"gpt2", mt, []string{"safetensors", "pytorch", "flax", "onnx", "tensorflow", "tflite"}, sib, 0, "", 137022720, st, ""},
		"google-bert/bert-base-uncased":             {"bert", mt, []string{"safetensors", "pytorch", "coreml", "flax", "onnx", "tensorflow"}, sib, 0, "", 110106428, st, ""},
		"openai/clip-vit-base-patch32":              {"clip", mt, []string{"pytorch", "flax", "tensorflow"}, sib, 0, "", 0, "", ""},
		"stabilityai/stable-diffusion-2-1":          {"", "", []string{"safetensors", "pytorch"}, sib, 0, "", 0, "", ""},
		"facebook/opt-125m":                         {"opt", mt, []string{"pytorch", "flax", "tensorflow"}, sib, 0, "", 0, "", ""},
		"microsoft/Phi-3-mini-4k-instruct-gguf":     {"phi3", ga, []string{"gguf"}, sib, 4096, gctx, 3821079552, gt, ""},
		"deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B": {"qwen2", mt, []string{"safetensors"}, sib, 0, "", 1777088000, st, ""},
	}
	byID := map[string]hubtest.Repo{}
	for _, r := range hubtest.Fixtures() {
		byID[r.ID] = r
	}
	for id, w := range want {
		t.Run(id, func(t *testing.T) {
			r, ok := byID[id]
			require.True(t, ok, "fixture missing")
			// The model info body and the list item shape (expand[]) must
			// give the same facts.
			for _, body := range [][]byte{hubtest.ModelJSON(r), hubtest.ModelJSON(r, ListExpand...)} {
				m, err := DecodeModel(body)
				require.NoError(t, err)
				assert.Equal(t, id, m.ID)
				assert.Equal(t, w, factsOf(m))
			}
		})
	}
}

func TestExtractEdgeCases(t *testing.T) {
	tests := map[string]struct {
		facts   facts
		license string
		check   func(t *testing.T, m compat.Model)
	}{
		"gated_auto_floats.json": {
			facts:   facts{"mistral", mt, []string{"safetensors"}, sib, 0, "", 7248023552, st, "auto"},
			license: "apache-2.0, other",
			check: func(t *testing.T, m compat.Model) {
				assert.EqualValues(t, 1500000, m.Downloads)
				assert.EqualValues(t, 42, m.Likes)
				assert.Equal(t, time.Date(2024, 8, 21, 10, 0, 0, 0, time.UTC), m.LastModified)
				assert.Equal(t, "acme", m.Author)
			},
		},
		"tags_only.json":        {facts: facts{"llama", compat.SrcTags, []string{"safetensors"}, compat.SrcTags, 0, "", 0, "", ""}},
		"api_objects_only.json": {facts: facts{"qwen3", ga, []string{"safetensors", "gguf"}, compat.SrcAPI, 40960, gctx, 600000000, st, ""}},
		"empty_siblings.json":   {facts: facts{"llama", mt, nil, "", 0, "", 0, "", ""}},
		"odd_card_and_strings.json": {
			facts: facts{"", "", []string{"safetensors"}, sib, 0, "", 0, "", "manual"},
			check: func(t *testing.T, m compat.Model) {
				assert.True(t, m.LastModified.IsZero())
				assert.Equal(t, "text\x00generation", m.PipelineTag, "strings are kept; the UI strips at display")
				assert.Equal(t, []string{"weights/\u202emodel.safetensors"}, m.Files)
			},
		},
		// Packed weights: 880,803,840 I32 elements of 4-bit weights hold 8
		// parameters each, plus 248,578,048 F16: a 7B model, not 1.1B.
		"awq_quantized.json": {facts: facts{"llama", mt, []string{"safetensors-awq"}, sib, 0, "", 880803840*8 + 248578048, compat.SrcSafetensorsParamsBits, ""}},
		// MLX 4-bit: 200 U32 elements of 8 parameters plus 100 BF16.
		"mlx_weights.json": {facts: facts{"qwen3", mt, []string{"mlx"}, sib, 0, "", 200*8 + 100, compat.SrcSafetensorsParamsBits, ""}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "extract", name))
			require.NoError(t, err)
			m, err := DecodeModel(body)
			require.NoError(t, err)
			assert.Equal(t, tc.facts, factsOf(m))
			assert.Equal(t, tc.license, m.License)
			if tc.check != nil {
				tc.check(t, m)
			}
			// The same object inside a list decodes the same way.
			list, dropped, err := DecodeList(append(append([]byte("[\n"), body...), ']'))
			require.NoError(t, err)
			assert.Empty(t, dropped)
			require.Len(t, list, 1)
			assert.Equal(t, m, list[0])
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := map[string]struct {
		body string
		list bool
		msg  string
	}{
		"list is an object":    {`{"id":"a"}`, true, "not a JSON array"},
		"list is a string":     {`"a"`, true, "not a JSON array (got a string)"},
		"siblings object":      {`{"id":"a","siblings":{"rfilename":"x"}}`, false, "the model: siblings: expected a list, got an object"},
		"tags object":          {`{"id":"b","tags":{}}`, false, "tags: expected a list"},
		"siblings number":      {`{"id":"a","siblings":7}`, false, "siblings: expected a list, got a number"},
		"bad element in list":  {`[{"id":"a"},{"id":"b",]`, true, "model 1 of the list is not valid JSON"},
		"architectures string": {`{"id":"a","config":{"architectures":"LlamaForCausalLM"}}`, false, "config.architectures: expected a list"},
		"gguf list":            {`{"id":"a","gguf":[]}`, false, "gguf: expected an object"},
		"gated number":         {`{"id":"a","gated":3}`, false, "gated"},
		"no id":                {`{"sha":"x"}`, false, "no id"},
		"null model":           {`null`, false, "no id"},
		"top level list":       {`[]`, false, "expected an object, got a list"},
		"truncated list":       {`[{"id":"a"},{"id":`, true, "cut short"},
		"trailing data":        {`[] []`, true, "after its end"},
		"not json":             {`<!DOCTYPE html><html>`, true, "not valid JSON"},
		"empty":                {``, true, "empty or cut short"},
		"empty model":          {` `, false, "the model is empty or cut short"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			if tc.list {
				_, _, err = DecodeList([]byte(tc.body))
			} else {
				_, err = DecodeModel([]byte(tc.body))
			}
			require.Error(t, err)
			assert.True(t, IsKind(err, BadResponse), "%v", err)
			assert.Contains(t, err.Error(), tc.msg)
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestDecodeListEmpty(t *testing.T) {
	ms, dropped, err := DecodeList([]byte(" [ ] "))
	require.NoError(t, err)
	assert.Empty(t, dropped)
	assert.NotNil(t, ms)
	assert.Empty(t, ms)
}
