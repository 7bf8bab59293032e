package hubtest_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// sampleShape is what a sample's config.json says of the model's shape,
// as FIT_POLICY.md section 2 reads it.
type sampleShape struct {
	layers, kvHeads, headDim, vocab, embedding uint64
	sliding                                    int // sliding-window layers
	window                                     uint64
}

// realShapes are the real models' shapes (their config.json on the Hub),
// for every sample repo of an architecture the default workers run. A
// sample without its shape would be judged "tight" with an unknown shape.
var realShapes = map[string]sampleShape{
	"meta-llama/Llama-3.1-8B-Instruct":          {32, 8, 128, 128256, 4096, 0, 0},
	"meta-llama/Llama-3.2-1B-Instruct":          {16, 8, 64, 128256, 2048, 0, 0},
	"mistralai/Mistral-7B-Instruct-v0.3":        {32, 8, 128, 32768, 4096, 0, 0},
	"HuggingFaceH4/zephyr-7b-beta":              {32, 8, 128, 32000, 4096, 0, 0}, // sliding_window 4096: ignored for mistral
	"mistralai/Mixtral-8x7B-Instruct-v0.1":      {32, 8, 128, 32000, 4096, 0, 0},
	"Qwen/Qwen2.5-7B-Instruct":                  {28, 4, 128, 152064, 3584, 0, 0},
	"Qwen/Qwen3-0.6B":                           {28, 8, 128, 151936, 1024, 0, 0}, // explicit head_dim, not 1024/16
	"Qwen/Qwen3-30B-A3B":                        {48, 4, 128, 151936, 2048, 0, 0},
	"google/gemma-3-1b-it":                      {26, 1, 256, 262144, 1152, 22, 512},
	"google/gemma-3-4b-it":                      {34, 4, 256, 262208, 2560, 29, 1024}, // text_config; full layers 5, 11, 17, 23, 29
	"google/gemma-2-9b-it":                      {42, 8, 256, 256000, 3584, 21, 4096},
	"microsoft/Phi-3.5-mini-instruct":           {32, 32, 96, 32064, 3072, 0, 0},
	"microsoft/phi-2":                           {32, 32, 80, 51200, 2560, 0, 0},
	"TinyLlama/TinyLlama-1.1B-Chat-v1.0":        {22, 4, 64, 32000, 2048, 0, 0},
	"deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B": {28, 2, 128, 151936, 1536, 0, 0},
	"NousResearch/Hermes-3-Llama-3.1-8B":        {32, 8, 128, 128256, 4096, 0, 0},
	"TheBloke/Llama-2-7B-Chat-AWQ":              {32, 32, 128, 32000, 4096, 0, 0},
	"mlx-community/Llama-3.2-1B-Instruct-4bit":  {16, 8, 64, 128256, 2048, 0, 0},
	"onnx-community/Qwen2.5-0.5B-Instruct":      {24, 2, 64, 151936, 896, 0, 0},
}

// Every sample repo the workers run has a config.json with its real shape,
// read as the client reads it (the served JSON, decoded).
func TestSamplesHaveTheirRealShape(t *testing.T) {
	runnable := compat.DefaultCatalog().Workers[0].Architectures[compat.FormatSafetensors]
	byID := map[string]hubtest.Repo{}
	for _, r := range hubtest.Fixtures() {
		byID[r.ID] = r
		mt := r.ModelType
		if mt == "" && r.ConfigJSON != nil {
			mt, _ = r.ConfigJSON["model_type"].(string)
		}
		if slices.Contains(runnable, mt) && r.ConfigJSON != nil {
			assert.Contains(t, realShapes, r.ID, "a sample the workers run needs its shape pinned here")
		}
	}
	for id, want := range realShapes {
		t.Run(id, func(t *testing.T) {
			r, ok := byID[id]
			require.True(t, ok, "no such sample")
			require.NotNil(t, r.ConfigJSON)
			body, err := json.Marshal(r.ConfigJSON)
			require.NoError(t, err)
			var cfg map[string]any
			require.NoError(t, json.Unmarshal(body, &cfg))
			mt := r.ModelType
			if mt == "" {
				mt = "llama" // Hermes-3 has no model_type; the client maps LlamaForCausalLM
			}
			s, why := fit.FromConfig(cfg, mt)
			require.Nil(t, why, "config.json gives no shape: %s", body)
			assert.Equal(t, want, sampleShape{uint64(s.Layers), s.KVHeads[0], s.KeyLength, s.Vocab, s.Embedding, s.SlidingLayers(), s.Window})
			assert.Equal(t, s.KeyLength, s.ValueLength)
			for _, h := range s.KVHeads {
				assert.Equal(t, want.kvHeads, h, "one KV head count for every layer")
			}
		})
	}
}
