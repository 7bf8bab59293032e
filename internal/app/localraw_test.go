package app

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// A snapshot's facts come through the Hub answer's one extraction, so a
// local repo is judged as a listed one: an older GPTQ repo (bits, no
// quant_method) is safetensors-gptq, MLX quantization counts packed
// parameters, a class name without model_type maps.
func TestLocalRawReadsConfigAsTheHubDoes(t *testing.T) {
	gptq := compat.Derive(localRaw("o/m-GPTQ", "", []string{"model.safetensors", "config.json"},
		map[string]any{"model_type": "llama", "quantization_config": map[string]any{"bits": 4.0}}))
	assert.Equal(t, []string{"safetensors-gptq"}, gptq.Formats.Values)
	assert.Equal(t, "gptq", gptq.QuantMethod)

	byClass := compat.Derive(localRaw("o/m", "", []string{"model.safetensors"},
		map[string]any{"architectures": []any{"Qwen2ForCausalLM"}}))
	assert.Equal(t, "qwen2", byClass.Architecture.Value)
	assert.Equal(t, compat.SrcConfigArchs, byClass.Architecture.Source)

	noConfig := compat.Derive(localRaw("o/m-GGUF", "", []string{"m-Q4_K_M.gguf"}, nil))
	assert.Equal(t, []string{"gguf"}, noConfig.Formats.Values)

	// A config the extraction cannot use still lists the files.
	odd := compat.Derive(localRaw("o/m", "", []string{"model.safetensors"}, map[string]any{"architectures": "not a list"}))
	assert.Equal(t, []string{"safetensors"}, odd.Formats.Values)
}
