package compat_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

type familyWant struct {
	family string
	conf   compat.Confidence
}

// Policy section 3, column "safetensors model_type".
var policyModelTypes = map[string]familyWant{
	"llama":       {"llama", compat.High},
	"mistral":     {"mistral", compat.High},
	"mixtral":     {"mistral", compat.High},
	"phi":         {"phi", compat.Medium},
	"phi3":        {"phi", compat.Medium},
	"qwen2":       {"qwen", compat.Medium},
	"qwen2_moe":   {"qwen", compat.Medium},
	"qwen3":       {"qwen", compat.Medium},
	"qwen3_moe":   {"qwen", compat.Medium},
	"gemma":       {"gemma", compat.Medium},
	"gemma2":      {"gemma", compat.Medium},
	"gemma3":      {"gemma", compat.Medium},
	"gemma3_text": {"gemma", compat.Medium},
}

// Policy section 3, column "GGUF general.architecture" (GGUF Mistral files
// report llama, so mistral has no GGUF name of its own).
var policyGGUFArchitectures = map[string]familyWant{
	"llama":    {"llama", compat.High},
	"phi2":     {"phi", compat.Medium},
	"phi3":     {"phi", compat.Medium},
	"qwen2":    {"qwen", compat.Medium},
	"qwen2moe": {"qwen", compat.Medium},
	"qwen3":    {"qwen", compat.Medium},
	"qwen3moe": {"qwen", compat.Medium},
	"gemma":    {"gemma", compat.Medium},
	"gemma2":   {"gemma", compat.Medium},
	"gemma3":   {"gemma", compat.Medium},
}

// Policy section 3, class names used only when model_type is absent.
var policyClasses = map[string]string{
	"LlamaForCausalLM":               "llama",
	"MistralForCausalLM":             "mistral",
	"MixtralForCausalLM":             "mixtral",
	"PhiForCausalLM":                 "phi",
	"Phi3ForCausalLM":                "phi3",
	"Qwen2ForCausalLM":               "qwen2",
	"Qwen2MoeForCausalLM":            "qwen2_moe",
	"Qwen3ForCausalLM":               "qwen3",
	"Qwen3MoeForCausalLM":            "qwen3_moe",
	"GemmaForCausalLM":               "gemma",
	"Gemma2ForCausalLM":              "gemma2",
	"Gemma3ForCausalLM":              "gemma3_text",
	"Gemma3ForConditionalGeneration": "gemma3",
}

func TestArchitectureTableSafetensorsModelTypes(t *testing.T) {
	for mt, want := range policyModelTypes {
		t.Run(mt, func(t *testing.T) {
			m := compat.Derive(stRaw("org/"+mt, mt))
			assert.Equal(t, compat.String{Value: mt, Source: compat.SrcConfigModelType}, m.Architecture)

			v := compat.Check(m, compat.DefaultCatalog())
			requireCompatible(t, v, want.conf)
			assert.Equal(t, mt, v.Architecture)
			assert.Equal(t, want.family, v.Family)
			for _, w := range v.Workers {
				assert.Truef(t, w.Compatible, "worker %s", w.Name)
				assert.Equalf(t, compat.FormatSafetensors, w.Format, "worker %s", w.Name)
				assert.Equalf(t, want.conf, w.Confidence, "worker %s", w.Name)
			}
		})
	}
}

func TestArchitectureTableGGUF(t *testing.T) {
	for arch, want := range policyGGUFArchitectures {
		t.Run(arch, func(t *testing.T) {
			m := compat.Derive(ggufRaw("org/"+arch+"-GGUF", arch))
			assert.Equal(t, compat.String{Value: arch, Source: compat.SrcGGUFArchitecture}, m.Architecture)

			v := compat.Check(m, compat.DefaultCatalog())
			requireCompatible(t, v, want.conf)
			assert.Equal(t, want.family, v.Family)
			assert.Equal(t, []string{compat.FormatGGUF}, v.Formats)
			for _, w := range v.Workers {
				assert.Truef(t, w.Compatible, "worker %s", w.Name)
				assert.Equalf(t, compat.FormatGGUF, w.Format, "worker %s", w.Name)
			}
		})
	}
}

// Each worker declares its architectures per format (policy section 4): a
// name from one column of the table is not accepted under the other format.
func TestArchitectureTableIsPerFormat(t *testing.T) {
	tests := map[string]compat.Raw{
		"phi2 is a GGUF name, not a model_type":       stRaw("org/phi-2", "phi2"),
		"qwen2moe is a GGUF name, not a model_type":   stRaw("org/q", "qwen2moe"),
		"qwen3moe is a GGUF name, not a model_type":   stRaw("org/q", "qwen3moe"),
		"GGUF mistral files report llama":             ggufRaw("org/m-GGUF", "mistral"),
		"GGUF has no mixtral":                         ggufRaw("org/m-GGUF", "mixtral"),
		"phi is a model_type, not a GGUF name":        ggufRaw("org/p-GGUF", "phi"),
		"qwen2_moe is a model_type, not a GGUF name":  ggufRaw("org/q-GGUF", "qwen2_moe"),
		"qwen3_moe is a model_type, not a GGUF name":  ggufRaw("org/q-GGUF", "qwen3_moe"),
		"gemma3_text is a model_type, not GGUF name":  ggufRaw("org/g-GGUF", "gemma3_text"),
		"class-mapped gemma3_text is safetensors too": withFiles(compat.Raw{ConfigArchitectures: []string{"Gemma3ForCausalLM"}}, "model.gguf"),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			requireIncompatible(t, checkRaw(r), compat.CodeArchUnsupported)
		})
	}
}

// An architecture runnable only under one of the model's formats pairs the
// worker with that format.
func TestArchitecturePairsWithTheFormatThatRunsIt(t *testing.T) {
	r := ggufRaw("org/phi-2-mixed", "phi2")
	r.Siblings = append(r.Siblings, "model.safetensors")
	v := checkRaw(r)

	requireCompatible(t, v, compat.Medium)
	assert.ElementsMatch(t, []string{compat.FormatSafetensors, compat.FormatGGUF}, v.Formats)
	for _, w := range v.Workers {
		assert.Equalf(t, compat.FormatGGUF, w.Format, "worker %s", w.Name)
	}
}

func TestArchitectureClassNames(t *testing.T) {
	for class, mt := range policyClasses {
		t.Run(class, func(t *testing.T) {
			got, ok := compat.ModelTypeForClass(class)
			require.True(t, ok)
			assert.Equal(t, mt, got)

			r := stRaw("org/"+class, "")
			r.ConfigArchitectures = []string{class}
			m := compat.Derive(r)
			assert.Equal(t, compat.String{Value: mt, Source: compat.SrcConfigArchs}, m.Architecture)

			// Structured evidence: the same confidence as model_type itself.
			want := policyModelTypes[mt]
			v := compat.Check(m, compat.DefaultCatalog())
			requireCompatible(t, v, want.conf)
			assert.Equal(t, want.family, v.Family)
			assert.False(t, hasCode(v.Warnings, compat.CodeWeakEvidence), "class names are not weak evidence")
		})
	}
}

func TestArchitectureClassNameRules(t *testing.T) {
	tests := map[string]struct {
		modelType string
		classes   []string
		tags      []string
		want      compat.String
	}{
		"model_type wins over the class": {
			modelType: "gpt2", classes: []string{"LlamaForCausalLM"},
			want: compat.String{Value: "gpt2", Source: compat.SrcConfigModelType},
		},
		"only architectures[0] is read": {
			classes: []string{"GPT2LMHeadModel", "LlamaForCausalLM"},
			want:    compat.String{},
		},
		"a class outside the table is no fact": {
			classes: []string{"LlavaForConditionalGeneration"},
			want:    compat.String{},
		},
		"a class outside the table falls through to tags": {
			classes: []string{"LlavaForConditionalGeneration"}, tags: []string{"text-generation", "llava"},
			want: compat.String{Value: "llava", Source: compat.SrcTags},
		},
		"the class wins over tags": {
			classes: []string{"Qwen3ForCausalLM"}, tags: []string{"llama"},
			want: compat.String{Value: "qwen3", Source: compat.SrcConfigArchs},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := stRaw("org/m", tc.modelType)
			r.ConfigArchitectures = tc.classes
			r.Tags = tc.tags
			assert.Equal(t, tc.want, compat.Derive(r).Architecture)
		})
	}
}

func TestArchitectureSourcePrecedence(t *testing.T) {
	tests := map[string]struct {
		raw  compat.Raw
		want compat.String
	}{
		"gguf.architecture over config.model_type": {
			raw:  compat.Raw{HasGGUF: true, GGUFArchitecture: "llama", ConfigModelType: "mistral", Tags: []string{"qwen2"}},
			want: compat.String{Value: "llama", Source: compat.SrcGGUFArchitecture},
		},
		"config.model_type over tags": {
			raw:  compat.Raw{ConfigModelType: "mistral", Tags: []string{"llama"}},
			want: compat.String{Value: "mistral", Source: compat.SrcConfigModelType},
		},
		"a tag equal to a known model_type": {
			raw:  compat.Raw{Tags: []string{"transformers", "text-generation", "qwen3", "conversational"}},
			want: compat.String{Value: "qwen3", Source: compat.SrcTags},
		},
		"a gguf object without architecture falls through": {
			raw:  compat.Raw{HasGGUF: true, ConfigModelType: "gemma2"},
			want: compat.String{Value: "gemma2", Source: compat.SrcConfigModelType},
		},
		"tags that only contain a name are no fact": {
			raw:  compat.Raw{Tags: []string{"llama-3", "meta-llama", "llama3", "dolphin"}},
			want: compat.String{},
		},
		"nothing": {raw: compat.Raw{}, want: compat.String{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, compat.Derive(tc.raw).Architecture)
		})
	}
}

// Policy section 3: exact, case-insensitive matches; nothing close counts.
func TestArchitectureNearMissesAreUnsupported(t *testing.T) {
	nearMisses := []string{
		"qwen2_vl", "qwen2_5_vl", "qwen3_next", "gemma3n", "paligemma", "llama4", "mllama",
		"mistral3", "phimoe", "phi3_v", "llava", "dolphin", "phi4", "llama3", "llama2", "qwen",
		"qwen2.5", "gemma-2", "mistral_7b", "lla", "llam", "xllama", "llama ", " llama", "llama\t",
	}
	for _, arch := range nearMisses {
		t.Run("model "+arch, func(t *testing.T) {
			// Judged as a fact, whatever Derive does with the raw text.
			m := compat.Model{
				ID:           "org/m",
				Architecture: compat.String{Value: arch, Source: compat.SrcConfigModelType},
				Formats:      compat.Formats{Values: []string{compat.FormatSafetensors, compat.FormatGGUF}, Source: compat.SrcSiblings},
			}
			v := compat.Check(m, compat.DefaultCatalog())
			requireIncompatible(t, v, compat.CodeArchUnsupported)
			_, inFamily := compat.DefaultCatalog().FamilyOf(arch)
			assert.False(t, inFamily)
			assert.Empty(t, v.Family)
		})
		t.Run("config "+arch, func(t *testing.T) {
			v := checkRaw(stRaw("org/m", arch))
			requireIncompatible(t, v, compat.CodeArchUnsupported)
		})
		t.Run("gguf "+arch, func(t *testing.T) {
			v := checkRaw(ggufRaw("org/m-GGUF", arch))
			requireIncompatible(t, v, compat.CodeArchUnsupported)
		})
	}
}

func TestArchitectureMatchIsCaseInsensitive(t *testing.T) {
	tests := map[string]struct {
		raw  compat.Raw
		want familyWant
	}{
		"LLAMA model_type":   {stRaw("org/m", "LLAMA"), familyWant{"llama", compat.High}},
		"Mistral model_type": {stRaw("org/m", "Mistral"), familyWant{"mistral", compat.High}},
		"Qwen2_MoE":          {stRaw("org/m", "Qwen2_MoE"), familyWant{"qwen", compat.Medium}},
		"GEMMA3 gguf":        {ggufRaw("org/m", "GEMMA3"), familyWant{"gemma", compat.Medium}},
		"Phi3 gguf":          {ggufRaw("org/m", "Phi3"), familyWant{"phi", compat.Medium}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			v := checkRaw(tc.raw)
			requireCompatible(t, v, tc.want.conf)
			assert.Equal(t, tc.want.family, v.Family)
		})
	}
	// And directly on a worker and the families.
	w, ok := compat.DefaultCatalog().Worker(cpuWorker)
	require.True(t, ok)
	assert.True(t, w.Runs("LLAMA", "SafeTensors"))
	assert.False(t, w.Runs("llama ", compat.FormatSafetensors))
	f, ok := compat.DefaultCatalog().FamilyOf("MiXtRaL")
	require.True(t, ok)
	assert.Equal(t, "mistral", f.Name)
}

func TestNearMissFamily(t *testing.T) {
	tests := map[string]string{ // architecture -> family ("" for none)
		"qwen2_vl":   "qwen",
		"qwen2_5_vl": "qwen",
		"qwen3_next": "qwen",
		"gemma3n":    "gemma",
		"paligemma":  "gemma",
		"llama4":     "llama",
		"mllama":     "llama",
		"mistral3":   "mistral",
		"phimoe":     "phi",
		"phi3_v":     "phi",
		"phi4":       "phi",
		"dolphin":    "", // "phi" inside a word is not the family word
		"llava":      "",
		"gpt2":       "",
		"starcoder2": "",
		"llama":      "", // supported: not a near miss
		"qwen3":      "",
	}
	for arch, want := range tests {
		t.Run(arch, func(t *testing.T) {
			f, ok := compat.NearMiss(arch, compat.DefaultCatalog())
			assert.Equal(t, want != "", ok)
			assert.Equal(t, want, f.Name)
		})
	}
}

func TestNearMissRecommendations(t *testing.T) {
	t.Run("qwen2_vl is an unsupported qwen variant", func(t *testing.T) {
		v := checkRaw(stRaw("Qwen/Qwen2-VL-7B-Instruct", "qwen2_vl"))
		requireIncompatible(t, v, compat.CodeArchUnsupported)
		assert.Truef(t, anyContains(v.Recommendations, "qwen2_vl", "qwen", "variant"), "%q", v.Recommendations)
		// It points at what is supported instead.
		assert.Truef(t, anyContains(v.Recommendations, "qwen2", "qwen3"), "%q", v.Recommendations)
	})
	t.Run("dolphin is no phi", func(t *testing.T) {
		v := checkRaw(stRaw("org/dolphin", "dolphin"))
		requireIncompatible(t, v, compat.CodeArchUnsupported)
		require.NotEmpty(t, v.Recommendations)
		for _, s := range v.Recommendations {
			assert.NotContains(t, strings.ToLower(s), "variant")
			assert.NotContains(t, strings.ToLower(s), "phi architectures")
		}
	})
	t.Run("gpt2 gets the supported-family advice", func(t *testing.T) {
		v := checkRaw(stRaw("openai-community/gpt2", "gpt2"))
		requireIncompatible(t, v, compat.CodeArchUnsupported)
		assert.Truef(t, anyContains(v.Recommendations, "gpt2", "supported family", "llama", "mistral", "phi", "qwen", "gemma"),
			"%q", v.Recommendations)
		assert.False(t, anyContains(v.Recommendations, "variant"))
	})
}
