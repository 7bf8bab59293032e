package compat_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The keys of policy section 6.
var (
	verdictKeys = []string{
		"id", "compatible", "confidence", "architecture", "family", "formats", "context_length", "parameters",
		"gated", "reasons", "warnings", "recommendations", "evidence", "workers", "recommended_worker",
	}
	workerKeys   = []string{"name", "compatible", "confidence", "format", "reasons", "warnings"}
	messageKeys  = []string{"code", "message"}
	evidenceKeys = []string{"fact", "value", "source"}
)

func marshalVerdict(t *testing.T, v compat.Verdict) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func requireKeys(t *testing.T, obj map[string]any, keys []string) {
	t.Helper()
	for _, k := range keys {
		_, ok := obj[k]
		assert.Truef(t, ok, "key %q missing from %v", k, obj)
	}
}

// requireArray asserts obj[key] is a JSON array, never null, and returns it.
func requireArray(t *testing.T, obj map[string]any, key string) []any {
	t.Helper()
	arr, ok := obj[key].([]any)
	require.Truef(t, ok, "%q is %T (%v), want an array", key, obj[key], obj[key])
	return arr
}

// requireStrings asserts obj[key] is an array of strings.
func requireStrings(t *testing.T, obj map[string]any, key string) []any {
	t.Helper()
	arr := requireArray(t, obj, key)
	for _, item := range arr {
		assert.IsTypef(t, "", item, "%s item", key)
	}
	return arr
}

// requireObjects asserts obj[key] is an array of objects whose keys are
// exactly itemKeys, each a string.
func requireObjects(t *testing.T, obj map[string]any, key string, itemKeys []string) []any {
	t.Helper()
	arr := requireArray(t, obj, key)
	for _, item := range arr {
		m, ok := item.(map[string]any)
		require.Truef(t, ok, "%q item is %T", key, item)
		got := make([]string, 0, len(m))
		for k := range m {
			got = append(got, k)
		}
		assert.ElementsMatchf(t, itemKeys, got, "%s item keys", key)
		for _, k := range itemKeys {
			assert.IsTypef(t, "", m[k], "%s.%s", key, k)
		}
	}
	return arr
}

func TestVerdictJSONShape(t *testing.T) {
	gated := stRaw("meta-llama/Llama-3.1-8B-Instruct", "llama")
	gated.Gated = "manual"
	gated.SafetensorsTotal = 8030261248
	gated.Siblings = append(gated.Siblings, "original/consolidated.00.pth")
	full := withContext(compat.Derive(gated), 131072)

	tests := map[string]struct {
		model       compat.Model
		compatible  bool
		family      string
		ctx, params any // nil for JSON null
	}{
		"compatible, everything known": {
			model: full, compatible: true, family: "llama", ctx: float64(131072), params: float64(8030261248),
		},
		"compatible, nothing to warn or recommend": {
			model: withContext(compat.Derive(stRaw("org/m", "qwen3")), 4096), compatible: true, family: "qwen", ctx: float64(4096),
		},
		"unsupported architecture in no family": {
			model: compat.Derive(stRaw("openai-community/gpt2", "gpt2")), family: "",
		},
		"nothing known at all": {
			model: compat.Derive(compat.Raw{ID: "org/empty"}), family: "",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			obj := marshalVerdict(t, compat.Check(tc.model, compat.DefaultCatalog()))

			keys := make([]string, 0, len(obj))
			for k := range obj {
				keys = append(keys, k)
			}
			assert.ElementsMatch(t, verdictKeys, keys)

			assert.Equal(t, tc.model.ID, obj["id"])
			assert.Equal(t, tc.compatible, obj["compatible"])
			assert.IsType(t, "", obj["confidence"])
			if !tc.compatible {
				assert.Equal(t, "none", obj["confidence"])
			}
			assert.IsType(t, "", obj["architecture"])
			assert.Equal(t, tc.family, obj["family"])
			assert.Equal(t, tc.ctx, obj["context_length"])
			assert.Equal(t, tc.params, obj["parameters"])
			assert.Equal(t, tc.model.IsGated(), obj["gated"])
			assert.IsType(t, "", obj["recommended_worker"])

			requireStrings(t, obj, "formats")
			reasons := requireObjects(t, obj, "reasons", messageKeys)
			assert.NotEmpty(t, reasons)
			requireObjects(t, obj, "warnings", messageKeys)
			requireStrings(t, obj, "recommendations")
			requireObjects(t, obj, "evidence", evidenceKeys)
			workers := requireArray(t, obj, "workers")
			assert.Len(t, workers, len(defaultWorkerNames))
			for _, item := range workers {
				w, ok := item.(map[string]any)
				require.True(t, ok)
				requireKeys(t, w, workerKeys)
				assert.IsType(t, "", w["name"])
				assert.IsType(t, true, w["compatible"])
				assert.IsType(t, "", w["confidence"])
				assert.IsType(t, "", w["format"])
				requireObjects(t, w, "reasons", messageKeys)
				requireObjects(t, w, "warnings", messageKeys)
			}
		})
	}
}

// The example of policy section 6, value by value.
func TestVerdictJSONExample(t *testing.T) {
	r := stRaw("meta-llama/Llama-3.1-8B-Instruct", "llama")
	r.Gated = "manual"
	r.SafetensorsTotal = 8030261248
	r.Siblings = append(r.Siblings, "original/consolidated.00.pth")
	obj := marshalVerdict(t, compat.Check(withContext(compat.Derive(r), 131072), compat.DefaultCatalog()))

	assert.Equal(t, "meta-llama/Llama-3.1-8B-Instruct", obj["id"])
	assert.Equal(t, true, obj["compatible"])
	assert.Equal(t, "high", obj["confidence"])
	assert.Equal(t, "llama", obj["architecture"])
	assert.Equal(t, "llama", obj["family"])
	assert.Equal(t, []any{"safetensors", "pytorch"}, obj["formats"])
	assert.Equal(t, float64(131072), obj["context_length"])
	assert.Equal(t, float64(8030261248), obj["parameters"])
	assert.Equal(t, true, obj["gated"])
	assert.Equal(t, []any{map[string]any{"code": "OK", "message": obj["reasons"].([]any)[0].(map[string]any)["message"]}}, obj["reasons"])

	var warningCodes []any
	for _, w := range obj["warnings"].([]any) {
		warningCodes = append(warningCodes, w.(map[string]any)["code"])
	}
	assert.Equal(t, []any{"CTX_EXCEEDS_WORKER", "GATED"}, warningCodes)
	assert.Contains(t, obj["evidence"], map[string]any{"fact": "architecture", "value": "llama", "source": "config.model_type"})

	w0 := obj["workers"].([]any)[0].(map[string]any)
	assert.Equal(t, cpuWorker, w0["name"])
	assert.Equal(t, true, w0["compatible"])
	assert.Equal(t, "high", w0["confidence"])
	assert.Equal(t, "safetensors", w0["format"])
	assert.Equal(t, []any{}, w0["reasons"])
	assert.Equal(t, []any{map[string]any{"code": "CTX_EXCEEDS_WORKER", "message": ctxMessage(131072, 32768)}}, w0["warnings"])
	assert.Equal(t, cpuWorker, obj["recommended_worker"])
}
