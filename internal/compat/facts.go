package compat

import (
	"encoding/json"
	"math"
	"path"
	"strings"
	"time"
)

// Raw is what the Hub says about a repository, undigested. The Hub client
// decodes JSON into it; Derive applies the policy's "first source that
// exists wins" order to turn it into a Model. Zero values mean "absent".
type Raw struct {
	ID string

	// The gguf object of the model info (GGUF repos only).
	HasGGUF           bool
	GGUFArchitecture  string
	GGUFContextLength int64
	GGUFTotal         int64

	// The abridged config object of the model info.
	ConfigModelType     string
	ConfigArchitectures []string
	QuantMethod         string // config.quantization_config.quant_method
	// HasQuantConfig is true when the abridged config has a
	// quantization_config object at all (with or without quant_method);
	// QuantBits is its bits, 0 when absent.
	HasQuantConfig bool
	QuantBits      int64
	// HasMLXQuantization is true when the abridged config has an MLX
	// "quantization" object; MLXQuantBits is its bits, 0 when absent.
	HasMLXQuantization bool
	MLXQuantBits       int64

	// The safetensors object of the model info.
	HasSafetensors   bool
	SafetensorsTotal int64
	// SafetensorsParams counts parameters per dtype (safetensors.parameters).
	SafetensorsParams map[string]int64

	// HasSiblings is true when the Hub sent a sibling list at all (an empty
	// list is still a list: the repository has no files).
	HasSiblings bool
	Siblings    []string

	Tags        []string
	LibraryName string
	Gated       string // "auto", "manual" or "" (false)

	// Display-only.
	Author      string
	Downloads   int64
	Likes       int64
	PipelineTag string
	License     string
	// BaseModels is cardData.base_model (a string or a list).
	BaseModels   []string
	LastModified time.Time
	SHA          string
}

// classToModelType maps config.architectures class names to model_type, used
// only when config.model_type is absent (policy section 3).
var classToModelType = map[string]string{
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

// ModelTypeForClass returns the model_type of a transformers class name, by
// exact match on the policy's class table.
func ModelTypeForClass(class string) (string, bool) {
	mt, ok := classToModelType[class]
	return mt, ok
}

// knownModelTypes are architecture names a Hub tag may carry. A tag counts as
// an architecture fact only when it equals one of these exactly: the default
// catalog's architectures and common architectures the default workers do not
// run, so that "gpt2" reads as an unsupported architecture rather than an
// unknown one. (An architecture only a user catalog adds is read from the
// config or GGUF header, not from tags.)
var knownModelTypes = map[string]bool{
	// supported by the default catalog
	"llama": true, "mistral": true, "mixtral": true, "phi": true, "phi2": true, "phi3": true,
	"qwen2": true, "qwen2_moe": true, "qwen2moe": true, "qwen3": true, "qwen3_moe": true, "qwen3moe": true,
	"gemma": true, "gemma2": true, "gemma3": true, "gemma3_text": true,
	// near misses and other common architectures
	"qwen2_vl": true, "qwen2_5_vl": true, "qwen3_next": true, "gemma3n": true, "paligemma": true,
	"llama4": true, "mllama": true, "mistral3": true, "phimoe": true, "phi3_v": true, "llava": true,
	"gpt2": true, "gpt_neox": true, "gptj": true, "gpt_bigcode": true, "bloom": true, "falcon": true,
	"mpt": true, "opt": true, "starcoder2": true, "stablelm": true, "deepseek_v2": true, "deepseek_v3": true,
	"cohere": true, "olmo": true, "olmo2": true, "internlm2": true, "chatglm": true, "baichuan": true,
	"bert": true, "roberta": true, "distilbert": true, "t5": true, "bart": true, "clip": true,
	"whisper": true, "mamba": true, "granite": true, "exaone": true, "minicpm": true,
}

// IsKnownModelType reports whether s is an architecture name the engine
// recognises in tags.
func IsKnownModelType(s string) bool { return knownModelTypes[strings.ToLower(s)] }

// Derive turns raw Hub data into a Model whose every fact carries its source
// (policy section 1). Context length from config.json is added afterwards by
// WithConfigJSON, since it needs a request of its own.
func Derive(r Raw) Model {
	m := Model{
		ID:           r.ID,
		Gated:        normGated(r.Gated),
		Author:       r.Author,
		Downloads:    r.Downloads,
		Likes:        r.Likes,
		Tags:         r.Tags,
		PipelineTag:  r.PipelineTag,
		LibraryName:  r.LibraryName,
		License:      r.License,
		LastModified: r.LastModified,
		SHA:          r.SHA,

		QuantMethod:       quantMethod(r),
		SafetensorsParams: r.SafetensorsParams,
		BaseModels:        r.BaseModels,
	}
	if r.HasSiblings {
		m.Files = r.Siblings
	}
	m.Architecture = deriveArchitecture(r)
	m.Formats = deriveFormats(r)
	if r.HasGGUF && plausibleContext(r.GGUFContextLength) {
		m.ContextLength = Int{Value: r.GGUFContextLength, Source: SrcGGUFContext}
	}
	m.Parameters = deriveParameters(r)
	return m
}

// quantMethod is the quantization method of the repository's safetensors
// weights (policy section 2), "" when they are not quantized: the abridged
// config's quantization_config.quant_method; else, for a
// quantization_config without one, "gptq" when it has bits or the repo
// holds a root quantize_config.json (older GPTQ repos), "quantized"
// otherwise; else "gptq" when a root quantize_config.json is the only
// evidence.
func quantMethod(r Raw) string {
	if q := strings.ToLower(strings.TrimSpace(r.QuantMethod)); q != "" {
		return q
	}
	gptqFile := hasRootFile(r.Siblings, "quantize_config.json")
	switch {
	case r.HasQuantConfig && (r.QuantBits > 0 || gptqFile):
		return QuantGPTQ
	case r.HasQuantConfig:
		return QuantUnnamed
	case gptqFile:
		return QuantGPTQ
	}
	return ""
}

// Quantization methods named without a quant_method (policy section 2).
const (
	QuantGPTQ    = "gptq"
	QuantUnnamed = "quantized"
)

func hasRootFile(files []string, name string) bool {
	for _, f := range files {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// deriveParameters is the parameter count (policy section 1):
// safetensors.total, else gguf.total. Packed weights count per element,
// not per parameter: when the weights are quantized (safetensors-<method>,
// or MLX with a quantization) and safetensors.parameters holds I32/U32
// entries, each of those elements holds 32/bits parameters, bits from
// quantization_config.bits (the MLX quantization's bits first for MLX);
// without bits the count is unknown rather than a packed count.
func deriveParameters(r Raw) Int {
	mlx := isMLX(r)
	quantized := quantMethod(r) != "" || (mlx && r.HasMLXQuantization)
	var packed, plain int64
	for dtype, n := range r.SafetensorsParams {
		switch strings.ToUpper(dtype) {
		case "I32", "U32":
			packed = addCount(packed, n)
		default:
			plain = addCount(plain, n)
		}
	}
	if quantized && packed > 0 {
		bits := r.QuantBits
		if mlx && r.MLXQuantBits > 0 {
			bits = r.MLXQuantBits
		}
		if bits <= 0 || bits > 32 {
			return Int{}
		}
		// packed x 32 / bits, without overflow: 32/bits parameters an element.
		per := packed / bits
		rest := packed % bits
		n := addCount(addCount(mulCount(per, 32), (rest*32)/bits), plain)
		return Int{Value: n, Source: SrcSafetensorsParamsBits}
	}
	switch {
	case r.SafetensorsTotal > 0:
		return Int{Value: r.SafetensorsTotal, Source: SrcSafetensorsTotal}
	case r.GGUFTotal > 0:
		return Int{Value: r.GGUFTotal, Source: SrcGGUFTotal}
	}
	return Int{}
}

// addCount and mulCount saturate at the largest int64 (counts are never
// negative).
func addCount(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func mulCount(a, b int64) int64 {
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func normGated(g string) string {
	switch strings.ToLower(g) {
	case "auto", "manual":
		return strings.ToLower(g)
	}
	return ""
}

func deriveArchitecture(r Raw) String {
	// Values are kept as the Hub sent them (only lower-cased): matching is
	// exact, so "llama " is not llama (policy section 3). A blank value is
	// no fact at all.
	if a := r.GGUFArchitecture; r.HasGGUF && strings.TrimSpace(a) != "" {
		return String{Value: strings.ToLower(a), Source: SrcGGUFArchitecture}
	}
	if mt := r.ConfigModelType; strings.TrimSpace(mt) != "" {
		return String{Value: strings.ToLower(mt), Source: SrcConfigModelType}
	}
	if len(r.ConfigArchitectures) > 0 {
		if mt, ok := ModelTypeForClass(r.ConfigArchitectures[0]); ok {
			return String{Value: mt, Source: SrcConfigArchs}
		}
	}
	for _, t := range r.Tags {
		if IsKnownModelType(t) {
			return String{Value: strings.ToLower(t), Source: SrcTags}
		}
	}
	return String{}
}

func deriveFormats(r Raw) Formats {
	if r.HasSiblings {
		if fs := FormatsFromFiles(r.Siblings, quantMethod(r), isMLX(r)); len(fs) > 0 {
			return Formats{Values: fs, Source: SrcSiblings}
		}
		// The sibling list (even an empty one) names no weight file: the
		// repository has none, whatever the other objects say.
		return Formats{}
	}
	qm := quantMethod(r)
	var fs []string
	if r.HasSafetensors {
		fs = append(fs, safetensorsFormat(qm, isMLX(r)))
	}
	if r.HasGGUF {
		fs = append(fs, FormatGGUF)
	}
	if len(fs) > 0 {
		return Formats{Values: orderFormats(fs), Source: SrcAPI}
	}
	for _, t := range r.Tags {
		switch strings.ToLower(t) {
		case FormatSafetensors:
			fs = append(fs, safetensorsFormat(qm, isMLX(r)))
		case FormatGGUF:
			fs = append(fs, FormatGGUF)
		}
	}
	if len(fs) > 0 {
		return Formats{Values: orderFormats(dedupe(fs)), Source: SrcTags}
	}
	return Formats{}
}

func isMLX(r Raw) bool {
	if strings.EqualFold(r.LibraryName, "mlx") {
		return true
	}
	for _, t := range r.Tags {
		if strings.EqualFold(t, "mlx") {
			return true
		}
	}
	return false
}

func safetensorsFormat(quantMethod string, mlx bool) string {
	if mlx {
		return FormatMLX
	}
	if q := strings.ToLower(strings.TrimSpace(quantMethod)); q != "" {
		return QuantizedSafetensors(q)
	}
	return FormatSafetensors
}

// FormatsFromFiles names every weight format present in a repository's file
// list (policy section 2). quantMethod is the abridged config's
// quantization_config.quant_method; mlx says the safetensors are MLX weights.
func FormatsFromFiles(files []string, quantMethod string, mlx bool) []string {
	seen := map[string]bool{}
	for _, f := range files {
		if ft := formatOfFile(f, quantMethod, mlx); ft != "" {
			seen[ft] = true
		}
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	return orderFormats(out)
}

func formatOfFile(name, quantMethod string, mlx bool) string {
	base := strings.ToLower(path.Base(name))
	switch {
	case strings.HasSuffix(base, ".gguf"):
		if strings.HasPrefix(base, "mmproj") {
			return "" // a vision projector alone is not a model
		}
		return FormatGGUF
	case strings.HasSuffix(base, ".safetensors"):
		return safetensorsFormat(quantMethod, mlx)
	case strings.HasSuffix(base, ".bin") && strings.HasPrefix(base, "pytorch_model"),
		strings.HasSuffix(base, ".pt"), strings.HasSuffix(base, ".pth"), strings.HasSuffix(base, ".ckpt"):
		return FormatPyTorch
	case strings.HasSuffix(base, ".onnx"):
		return FormatONNX
	case strings.HasSuffix(base, ".h5"):
		return FormatTensorFlow
	case strings.HasSuffix(base, ".msgpack"):
		return FormatFlax
	case strings.HasSuffix(base, ".tflite"):
		return FormatTFLite
	case strings.HasSuffix(base, ".mlmodel"):
		return FormatCoreML
	}
	return ""
}

// formatRank orders formats for display: the loadable ones first, in the
// policy's pairing preference, then the others alphabetically.
func formatRank(f string) int {
	switch {
	case f == FormatSafetensors:
		return 0
	case f == FormatGGUF:
		return 1
	case strings.HasPrefix(f, FormatSafetensors+"-"):
		return 2
	case f == FormatMLX:
		return 3
	case f == FormatPyTorch:
		return 4
	}
	return 5
}

func orderFormats(fs []string) []string {
	// insertion sort: a handful of items
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && lessFormat(fs[j], fs[j-1]); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	return fs
}

func lessFormat(a, b string) bool {
	ra, rb := formatRank(a), formatRank(b)
	if ra != rb {
		return ra < rb
	}
	return a < b
}

func dedupe(ss []string) []string {
	out := ss[:0]
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// contextKeys is the order in which config.json keys give the context
// length (policy section 1).
var contextKeys = []string{"max_position_embeddings", "n_positions", "text_config.max_position_embeddings", "max_sequence_length", "seq_length"}

// ContextFromConfig reads the context length from a decoded config.json, by
// the policy's key order. The zero Int means none was found.
func ContextFromConfig(cfg map[string]any) Int {
	for _, k := range contextKeys {
		var v any
		if sub, key, nested := strings.Cut(k, "."); nested {
			inner, _ := cfg[sub].(map[string]any)
			v = inner[key]
		} else {
			v = cfg[k]
		}
		if n, ok := positiveInt(v); ok {
			return Int{Value: n, Source: ConfigJSONSource(k)}
		}
	}
	return Int{}
}

// positiveInt reads a context length from a decoded JSON value by the
// number rule (CountFromJSON) and the context bound (plausibleContext),
// whether the decoder gave a float64, a json.Number (Decoder.UseNumber) or
// a Go int: 4096.9 is no context length, as in gguf.context_length.
func positiveInt(v any) (int64, bool) {
	var n int64
	ok := false
	switch x := v.(type) {
	case float64:
		n, ok = CountFromFloat(x)
	case json.Number:
		n, ok = CountFromJSON(string(x))
	case int64:
		n, ok = x, true
	case int:
		n, ok = int64(x), true
	}
	return n, ok && plausibleContext(n)
}

// WithConfigJSON returns m with its context length taken from a decoded
// config.json, unless the model already has one from a better source
// (gguf.context_length).
func WithConfigJSON(m Model, cfg map[string]any) Model {
	if m.ContextLength.Source == SrcGGUFContext {
		return m
	}
	if c := ContextFromConfig(cfg); c.Known() {
		m.ContextLength = c
	}
	return m
}

// NeedsConfigJSON reports whether the context length can only come from the
// repository's config.json (it has no GGUF context).
func NeedsConfigJSON(m Model) bool { return !m.ContextLength.Known() }
