// Package compat decides whether a local inference worker can run a model
// from the Hugging Face Hub, how sure that answer is, and why.
//
// It implements the verdict rules of docs/verdicts.md. It is pure: metadata in, verdict
// out. It does no I/O, knows nothing of HTTP, disks or terminals, and every
// rule is table-tested.
package compat

import "time"

// Source names say where a fact came from. They are shown to the user and
// appear verbatim in --json output (policy section 1).
const (
	SrcGGUFArchitecture = "gguf.architecture"
	SrcConfigModelType  = "config.model_type"
	SrcConfigArchs      = "config.architectures"
	SrcTags             = "tags"
	SrcSiblings         = "siblings"
	SrcAPI              = "api"
	SrcGGUFContext      = "gguf.context_length"
	SrcSafetensorsTotal = "safetensors.total"
	SrcGGUFTotal        = "gguf.total"
	// SrcSafetensorsParamsBits is a parameter count of packed quantized
	// weights: safetensors.parameters with I32/U32 elements counted as
	// 32/bits parameters each.
	SrcSafetensorsParamsBits = "safetensors.parameters+bits"
	SrcGated                 = "gated"
	// Context from config.json is "config.json:<key>", see ConfigJSONSource.
)

// ConfigJSONSource is the source name of a context length read from the
// repository's config.json under key (for example
// "config.json:max_position_embeddings").
func ConfigJSONSource(key string) string { return "config.json:" + key }

// Format names. A repository may hold several.
const (
	FormatSafetensors = "safetensors"
	FormatGGUF        = "gguf"
	FormatMLX         = "mlx"
	FormatPyTorch     = "pytorch"
	FormatONNX        = "onnx"
	FormatTensorFlow  = "tensorflow"
	FormatFlax        = "flax"
	FormatTFLite      = "tflite"
	FormatCoreML      = "coreml"
)

// QuantizedSafetensors is the format name of safetensors weights quantized
// with method (for example "safetensors-awq"), which the default workers do
// not load.
func QuantizedSafetensors(method string) string { return FormatSafetensors + "-" + method }

// String is a text fact. Source is empty when the fact is unknown.
type String struct {
	Value  string
	Source string
}

// Known reports whether the fact has a value.
func (f String) Known() bool { return f.Source != "" && f.Value != "" }

// Int is a numeric fact. Source is empty when the fact is unknown.
type Int struct {
	Value  int64
	Source string
}

// Known reports whether the fact has a value.
func (f Int) Known() bool { return f.Source != "" }

// Formats is the set of weight formats found, in a stable order, with the
// source they were read from (siblings, api or tags).
type Formats struct {
	Values []string
	Source string
}

// Known reports whether any format was found.
func (f Formats) Known() bool { return len(f.Values) > 0 }

// Has reports whether format is among the values.
func (f Formats) Has(format string) bool {
	for _, v := range f.Values {
		if v == format {
			return true
		}
	}
	return false
}

// Model is what the engine judges: a repository's facts, each with its
// source, plus what the list and detail views show.
type Model struct {
	ID string

	Architecture  String
	Formats       Formats
	ContextLength Int
	Parameters    Int
	// Gated is "auto" or "manual" when downloading needs an accepted
	// licence; empty otherwise.
	Gated string

	// Display-only data: never used by a rule.
	Author      string
	Downloads   int64
	Likes       int64
	Tags        []string
	PipelineTag string
	LibraryName string
	License     string
	// QuantMethod is the safetensors weights' quantization method
	// (config.quantization_config.quant_method, or "gptq"/"quantized" when
	// the config or the files say quantized without naming it), "" when
	// none; SafetensorsParams counts parameters per dtype; BaseModels is
	// cardData.base_model. The fit of a model's files needs them.
	QuantMethod       string
	SafetensorsParams map[string]int64
	BaseModels        []string
	LastModified      time.Time
	SHA               string
	// Files are the repository's file names (the Hub's siblings), when
	// the Hub sent them.
	Files []string
}

// IsGated reports whether the Hub gates the model's files.
func (m Model) IsGated() bool { return m.Gated == "auto" || m.Gated == "manual" }
