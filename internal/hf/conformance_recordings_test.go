package hf

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The recorded Hub answers of testdata/hub-recordings (README.md there says
// where each came from): every model-info body and every list page must
// decode with the project's decoder, and each model must get the verdict a
// person reading the body expects.

// recWant is what a person reading a recorded body expects of one model,
// worked out by hand from the body and the verdict rules
// (docs/verdicts.md), not from the program's output.
type recWant struct {
	id         string
	compatible bool
	confidence compat.Confidence
	arch       string // "" when the body names none
	archSrc    string
	formats    []string // nil when the body shows no weight file
	reasons    []string // codes, headline first
	warnings   []string // codes
}

// Short names for the table below.
const (
	archUnknown     = compat.CodeArchUnknown
	archUnsupported = compat.CodeArchUnsupported
	formatUnsupp    = compat.CodeFormatUnsupported
	formatUnknown   = compat.CodeFormatUnknown
	ctxUnknown      = compat.CodeCtxUnknown
	ctxExceeds      = compat.CodeCtxExceedsWorker
	gatedWarn       = compat.CodeGated
	weak            = compat.CodeWeakEvidence
)

// notAnLLM is the verdict of a transformers model whose model_type no
// worker runs, with the formats its file list shows.
func notAnLLM(id, arch string, formats ...string) recWant {
	return recWant{id: id, confidence: compat.None, arch: arch, archSrc: mt, formats: formats,
		reasons: []string{archUnsupported}, warnings: []string{ctxUnknown}}
}

// withoutLoadableWeights adds FORMAT_UNSUPPORTED: the repo has neither
// safetensors nor GGUF weights.
func withoutLoadableWeights(w recWant) recWant {
	w.reasons = append(w.reasons, formatUnsupp)
	return w
}

// expandOnly is an `expand=` answer: _id, id and the asked key only, so
// nothing to judge by.
func expandOnly(id string) recWant {
	return recWant{id: id, confidence: compat.None, reasons: []string{archUnknown, formatUnknown}, warnings: []string{ctxUnknown}}
}

// recWants covers every model-info body and every small list page of
// hub-recordings, in the models' order.
var recWants = map[string][]recWant{
	// Gated llama with safetensors shards and original/*.pth: the
	// abridged config has no context length.
	"info__meta-llama__Meta-Llama-3-8B-Instruct.json": {{id: "meta-llama/Meta-Llama-3-8B-Instruct", compatible: true, confidence: compat.High,
		arch: "llama", archSrc: mt, formats: []string{"safetensors", "pytorch"}, reasons: ok, warnings: []string{ctxUnknown, gatedWarn}}},
	"edited-by-source/info__meta-llama__Llama-3.2-3B__revision-main.json": {{id: "meta-llama/Llama-3.2-3B", compatible: true, confidence: compat.High,
		arch: "llama", archSrc: mt, formats: []string{"safetensors", "pytorch"}, reasons: ok, warnings: []string{ctxUnknown, gatedWarn}}},
	// A GGUF repo whose config also says phi3: the GGUF header is the
	// evidence, and its 131072 tokens are over the workers' 32768.
	"info__unsloth__Phi-4-mini-instruct-GGUF.json": {{id: "unsloth/Phi-4-mini-instruct-GGUF", compatible: true, confidence: compat.Medium,
		arch: "phi3", archSrc: ga, formats: []string{"gguf"}, reasons: ok, warnings: []string{ctxExceeds}}},
	// The legacy id answers 200 under its old name.
	"info__gpt2.json": {notAnLLM("gpt2", "gpt2", "safetensors", "pytorch", "flax", "onnx", "tensorflow", "tflite")},
	// Encoders, vision, speech and seq2seq models: architectures no LLM
	// worker runs.
	"info__dbmdz__bert-large-cased-finetuned-conll03-english.json": {notAnLLM("dbmdz/bert-large-cased-finetuned-conll03-english", "bert",
		"safetensors", "pytorch", "flax", "tensorflow")},
	"info__deepset__roberta-base-squad2.json": {notAnLLM("deepset/roberta-base-squad2", "roberta", "safetensors", "pytorch", "flax", "tensorflow")},
	"info__distilbert__distilbert-base-uncased-finetuned-sst-2-english.json": {notAnLLM("distilbert/distilbert-base-uncased-finetuned-sst-2-english",
		"distilbert", "safetensors", "pytorch", "onnx", "tensorflow")},
	"info__sentence-transformers__paraphrase-albert-small-v2.json": {notAnLLM("sentence-transformers/paraphrase-albert-small-v2", "albert",
		"safetensors", "pytorch", "onnx", "tensorflow")},
	"info__facebook__bart-base.json":       {notAnLLM("facebook/bart-base", "bart", "safetensors", "pytorch", "flax", "tensorflow")},
	"info__facebook__bart-large-mnli.json": {notAnLLM("facebook/bart-large-mnli", "bart", "safetensors", "pytorch", "flax")},
	"info__facebook__mbart-large-50-many-to-many-mmt.json": {notAnLLM("facebook/mbart-large-50-many-to-many-mmt", "mbart",
		"safetensors", "pytorch", "flax", "tensorflow")},
	"info__google__flan-t5-large.json":        {notAnLLM("google/flan-t5-large", "t5", "safetensors", "pytorch", "flax", "tensorflow")},
	"info__google__vit-base-patch16-224.json": {notAnLLM("google/vit-base-patch16-224", "vit", "safetensors", "pytorch", "flax", "tensorflow")},
	"info__facebook__detr-resnet-50.json":     {notAnLLM("facebook/detr-resnet-50", "detr", "safetensors", "pytorch")},
	"info__jonatasgrosman__wav2vec2-large-xlsr-53-english.json": {notAnLLM("jonatasgrosman/wav2vec2-large-xlsr-53-english", "wav2vec2",
		"safetensors", "pytorch", "flax")},
	// training_args.bin is not a weight file.
	"info__alefiury__wav2vec2-large-xlsr-53-gender-recognition-librispeech.json": {notAnLLM(
		"alefiury/wav2vec2-large-xlsr-53-gender-recognition-librispeech", "wav2vec2", "safetensors", "pytorch")},
	// Only pytorch_model.bin (and h5): neither architecture nor format.
	"info__Salesforce__blip-image-captioning-base.json": {withoutLoadableWeights(notAnLLM("Salesforce/blip-image-captioning-base", "blip",
		"pytorch", "tensorflow"))},
	"info__dandelin__vilt-b32-finetuned-vqa.json":  {withoutLoadableWeights(notAnLLM("dandelin/vilt-b32-finetuned-vqa", "vilt", "pytorch"))},
	"info__facebook__detr-resnet-50-panoptic.json": {withoutLoadableWeights(notAnLLM("facebook/detr-resnet-50-panoptic", "detr", "pytorch"))},
	"info__google__tapas-base-finetuned-wtq.json":  {withoutLoadableWeights(notAnLLM("google/tapas-base-finetuned-wtq", "tapas", "pytorch", "tensorflow"))},
	"info__naver-clova-ix__donut-base-finetuned-docvqa.json": {withoutLoadableWeights(notAnLLM("naver-clova-ix/donut-base-finetuned-docvqa",
		"vision-encoder-decoder", "pytorch"))},
	// A diffusers pipeline: config {"diffusers": ...}, no model_type, no
	// architecture tag; its safetensors are loadable, its kind is not.
	"info__CompVis__stable-diffusion-v1-4.json": {{id: "CompVis/stable-diffusion-v1-4", confidence: compat.None,
		formats: []string{"safetensors", "pytorch"}, reasons: []string{archUnknown}, warnings: []string{ctxUnknown}}},
	// Toolkits with their own checkpoints (.pth, .ckpt): nothing a worker
	// knows.
	"info__espnet__kan-bayashi_ljspeech_vits.json": {{id: "espnet/kan-bayashi_ljspeech_vits", confidence: compat.None,
		formats: []string{"pytorch"}, reasons: []string{archUnknown, formatUnsupp}, warnings: []string{ctxUnknown}}},
	"info__speechbrain__sepformer-wham.json": {{id: "speechbrain/sepformer-wham", confidence: compat.None,
		formats: []string{"pytorch"}, reasons: []string{archUnknown, formatUnsupp}, warnings: []string{ctxUnknown}}},
	// A subset without id or config (see noID): safetensors shards, no
	// architecture.
	"edited-by-source/info__microsoft__Phi-3-mini-4k-instruct__revision-main__subset.json": {{id: "microsoft/Phi-3-mini-4k-instruct",
		confidence: compat.None, formats: []string{"safetensors"}, reasons: []string{archUnknown}, warnings: []string{ctxUnknown}}},
	// config {} although the repository has a config.json (qwen3_5): the
	// body names no architecture.
	"unverified-provenance/info__OrionLLM__GRM-2.6-Opus.json": {{id: "OrionLLM/GRM-2.6-Opus", confidence: compat.None,
		formats: []string{"safetensors"}, reasons: []string{archUnknown}, warnings: []string{ctxUnknown}}},
	// GPTQ weights (quantization_config, quantize_config.json, I32 packed
	// tensors): not plain safetensors, which is what the default workers
	// load. Its abridged config has quantization_config {bits: 4} without
	// quant_method: quantized weights all the same (policy section 2).
	"unverified-provenance/info__TheBloke__DiscoLM-120b-GPTQ.json": {{id: "TheBloke/DiscoLM-120b-GPTQ", confidence: compat.None,
		arch: "llama", archSrc: mt, formats: []string{"safetensors-gptq"}, reasons: []string{formatUnsupp}, warnings: []string{ctxUnknown}}},

	"expand/expand__ByteDance__SDXL-Lightning__expand-inferenceProviderMapping.json":                 {expandOnly("ByteDance/SDXL-Lightning")},
	"expand/expand__black-forest-labs__FLUX.1-dev__expand-inferenceProviderMapping.json":             {expandOnly("black-forest-labs/FLUX.1-dev")},
	"expand/expand__meta-llama__Llama-3.2-3B-Instruct__expand-inferenceProviderMapping.json":         {expandOnly("meta-llama/Llama-3.2-3B-Instruct")},
	"expand/expand__meta-llama__Llama-3.3-70B-Instruct__expand-inferenceProviderMapping.json":        {expandOnly("meta-llama/Llama-3.3-70B-Instruct")},
	"expand/expand__meta-llama__Meta-Llama-3-8B-Instruct__expand-inferenceProviderMapping.json":      {expandOnly("meta-llama/Meta-Llama-3-8B-Instruct")},
	"expand/expand__openai__whisper-large-v3__expand-inferenceProviderMapping.json":                  {expandOnly("openai/whisper-large-v3")},
	"expand/expand__stabilityai__stable-diffusion-2__expand-inferenceProviderMapping.json":           {expandOnly("stabilityai/stable-diffusion-2")},
	"expand/expand__stabilityai__stable-diffusion-xl-base-1.0__expand-inferenceProviderMapping.json": {expandOnly("stabilityai/stable-diffusion-xl-base-1.0")},

	// A search with gguf and siblings expanded: all three are phi3 GGUF
	// repos, although MaziyarPanahi's is tagged mistral.
	"list__search-phi-4-mini__sort-downloads__limit-3__gglib.json": {
		{id: "MaziyarPanahi/Phi-4-mini-instruct-GGUF", compatible: true, confidence: compat.Medium, arch: "phi3", archSrc: ga,
			formats: []string{"gguf"}, reasons: ok, warnings: []string{ctxExceeds}},
		{id: "unsloth/Phi-4-mini-instruct-GGUF", compatible: true, confidence: compat.Medium, arch: "phi3", archSrc: ga,
			formats: []string{"gguf"}, reasons: ok, warnings: []string{ctxExceeds}},
		{id: "bartowski/microsoft_Phi-4-mini-instruct-GGUF", compatible: true, confidence: compat.Medium, arch: "phi3", archSrc: ga,
			formats: []string{"gguf"}, reasons: ok, warnings: []string{ctxExceeds}},
	},
	// gguf expanded but no siblings: the gguf object is the format
	// evidence. qwen3moe runs; qwen35 is no architecture of the catalog.
	"list__filter-gguf__search-qwen__sort-trending__ollama-model-manager.json": {
		{id: "unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF", compatible: true, confidence: compat.Medium, arch: "qwen3moe", archSrc: ga,
			formats: []string{"gguf"}, reasons: ok, warnings: []string{ctxExceeds}},
		{id: "unsloth/Qwen3.8-27B-GGUF", confidence: compat.None, arch: "qwen35", archSrc: ga,
			formats: []string{"gguf"}, reasons: []string{archUnsupported}, warnings: []string{ctxExceeds}},
		{id: "ornith-ai/Ornith-1.5-9B-GGUF", confidence: compat.None, arch: "qwen35", archSrc: ga,
			formats: []string{"gguf"}, reasons: []string{archUnsupported}, warnings: []string{ctxExceeds, gatedWarn}},
	},
}

// noID names the bodies that carry no id (a subset edited by its source)
// with the id their request asked for. The decoder must refuse them as
// they are; with the asked id added they are judged like the others.
var noID = map[string]string{
	"edited-by-source/info__microsoft__Phi-3-mini-4k-instruct__revision-main__subset.json": "microsoft/Phi-3-mini-4k-instruct",
}

// policyGap is a body where what a person expects and what the verdict
// rules give differ. The test holds the rules' answer (got) so the gap
// stays visible; when the rules change to close it, the test fails and
// the entry goes.
type policyGap struct {
	got recWant
	why string
}

var policyGaps = map[string]policyGap{}

// bigListPage is what a big recorded list page must hold.
type bigListPage struct {
	count int                // items in the page
	spots map[string]recWant // a few models a reader can check by hand
}

// Default list fields carry tags only: the architecture and the format
// come from tags, so a model that passes is two steps below its family.
func tagsOnly(id, arch string) recWant {
	return recWant{id: id, compatible: true, confidence: compat.Low, arch: arch, archSrc: compat.SrcTags,
		formats: []string{"safetensors"}, reasons: ok, warnings: []string{ctxUnknown, weak}}
}

// warmSpots are in each of the three `inference=warm` pages.
var warmSpots = map[string]recWant{
	"meta-llama/Llama-3.1-8B-Instruct": tagsOnly("meta-llama/Llama-3.1-8B-Instruct", "llama"),
	"Qwen/Qwen3-8B":                    tagsOnly("Qwen/Qwen3-8B", "qwen3"),
	"google/gemma-2-2b-it":             tagsOnly("google/gemma-2-2b-it", "gemma2"),
	"Qwen/Qwen2.5-7B-Instruct":         tagsOnly("Qwen/Qwen2.5-7B-Instruct", "qwen2"),
	// deepseek_v3 is a known architecture the catalog does not run.
	"deepseek-ai/DeepSeek-R1": {id: "deepseek-ai/DeepSeek-R1", confidence: compat.None, arch: "deepseek_v3", archSrc: compat.SrcTags,
		formats: []string{"safetensors"}, reasons: []string{archUnsupported}, warnings: []string{ctxUnknown, weak}},
}

var listPages = map[string]bigListPage{
	"list__inference-warm__2025-06-06__maruel-genai.json": {count: 1000, spots: warmSpots},
	"list__inference-warm__2025-12-15__maruel-genai.json": {count: 1000, spots: warmSpots},
	"list__inference-warm__2026-08-17__maruel-genai.json": {count: 1000, spots: warmSpots},
}

// notJudged are the recordings this test does not judge, with why. Any
// other file it does not know fails the test.
var notJudged = []struct{ pattern, why string }{
	{"README.md", "provenance"},
	{"PROVENANCE.md", "provenance (the shared copy)"},
	{"error401__*", "an error answer: the client's error tests cover 401"},
	{"redirect/*", "307 answers: TestConformanceReplayRename replays one"},
	{"config/*", "config.json files: context, not model info"},
	{"unverified-provenance/config__*", "a config.json, reconstructed"},
	{"gguf/*", "GGUF header dumps, not Hub API answers"},
	{"sizes/*", "file-tree answers (sizes), not model info"},
	{"unverified-provenance/sizes/*", "a file-tree answer"},
}

func ignoredRecording(rel string) bool {
	for _, n := range notJudged {
		if ok, _ := path.Match(n.pattern, rel); ok {
			return true
		}
	}
	return false
}

// withID adds "id" to a JSON object that lacks one.
func withID(body []byte, id string) []byte {
	s := strings.TrimLeft(string(body), " \t\r\n")
	return []byte(`{"id":` + strconv.Quote(id) + `,` + strings.TrimPrefix(s, "{"))
}

func checkRecWant(t *testing.T, m compat.Model, w recWant) {
	t.Helper()
	v := compat.Check(m, compat.DefaultCatalog())
	assert.Equal(t, w.id, v.ID, "id")
	assert.Equal(t, w.compatible, v.Compatible, "compatible")
	assert.Equal(t, w.confidence, v.Confidence, "confidence")
	assert.Equal(t, w.arch, m.Architecture.Value, "architecture")
	assert.Equal(t, w.archSrc, m.Architecture.Source, "architecture source")
	assert.Equal(t, w.formats, m.Formats.Values, "formats")
	assert.Equal(t, w.reasons, codes(v.Reasons), "reasons")
	assert.Equal(t, w.warnings, codes(v.Warnings), "warnings")
	if w.compatible {
		assert.NotEmpty(t, v.RecommendedWorker)
	}
}

// sameVerdict reports whether the model gets exactly w.
func sameVerdict(m compat.Model, w recWant) bool {
	v := compat.Check(m, compat.DefaultCatalog())
	return v.ID == w.id && v.Compatible == w.compatible && v.Confidence == w.confidence &&
		m.Architecture.Value == w.arch && m.Architecture.Source == w.archSrc &&
		strings.Join(m.Formats.Values, ",") == strings.Join(w.formats, ",") &&
		strings.Join(codes(v.Reasons), ",") == strings.Join(w.reasons, ",") &&
		strings.Join(codes(v.Warnings), ",") == strings.Join(w.warnings, ",")
}

// TestConformanceHubRecordings judges every model-info body and every
// list page of hub-recordings.
func TestConformanceHubRecordings(t *testing.T) {
	seen := map[string]bool{}
	for _, rec := range recordings(t, "hub-recordings", "") {
		rel := rec.rel
		seen[rel] = true
		if ignoredRecording(rel) {
			continue
		}
		t.Run(rec.name(), func(t *testing.T) {
			switch {
			case strings.HasPrefix(rel, "list__") && strings.HasSuffix(rel, ".headers.json"):
				checkListHeaders(t, rec)
			case listPages[rel].count > 0:
				checkBigListPage(t, rec.body, listPages[rel])
			default:
				wants, known := recWants[rel]
				require.True(t, known, "a new recording: work out by hand the verdict a reader of the body expects and add it to recWants (or to notJudged, saying why)")
				checkRecordedModels(t, rel, rec.body, wants)
			}
		})
	}
	for rel := range recWants {
		assert.True(t, seen[rel], "recWants names %s, which is not in the folder", rel)
	}
	for rel := range listPages {
		assert.True(t, seen[rel], "listPages names %s, which is not in the folder", rel)
	}
	for rel, gap := range policyGaps {
		assert.NotEqual(t, gap.got, recWants[rel][0], "a policy gap must differ from what a person expects")
	}
}

// checkRecordedModels decodes a model-info body or a small list page and
// judges each model.
func checkRecordedModels(t *testing.T, rel string, body []byte, wants []recWant) {
	t.Helper()
	var models []compat.Model
	if strings.HasPrefix(path.Base(rel), "list__") {
		var err error
		var dropped []Dropped
		models, dropped, err = DecodeList(body)
		require.NoError(t, err)
		assert.Empty(t, dropped, "the real Hub's pages drop nothing")
		var raw []json.RawMessage
		require.NoError(t, json.Unmarshal(body, &raw))
		require.Len(t, models, len(raw), "every item decoded")
	} else {
		if id, ok := noID[rel]; ok {
			_, err := DecodeModel(body)
			require.Error(t, err, "a body without id is not a model")
			assert.Contains(t, err.Error(), "id")
			assert.NotContains(t, err.Error(), "\n")
			body = withID(body, id)
		}
		raw, dropped, err := Extract(body)
		require.NoError(t, err)
		assert.Empty(t, dropped, "the real Hub's answers drop nothing")
		assert.Equal(t, wants[0].id, raw.ID, "Extract's id")
		m, err := DecodeModel(body)
		require.NoError(t, err)
		models = []compat.Model{m}
	}
	require.Len(t, models, len(wants))
	for i, m := range models {
		w := wants[i]
		if gap, ok := policyGaps[rel]; ok {
			require.False(t, sameVerdict(m, w), "the policy gap is closed (%s): delete its policyGaps entry", gap.why)
			t.Logf("policy gap: a reader expects compatible=%v %v, the rules give compatible=%v %v: %s",
				w.compatible, w.formats, gap.got.compatible, gap.got.formats, gap.why)
			w = gap.got
		}
		checkRecWant(t, m, w)
	}
}

// checkBigListPage holds a 1000-item page to invariants and spot checks.
func checkBigListPage(t *testing.T, body []byte, want bigListPage) {
	t.Helper()
	models, dropped, err := DecodeList(body)
	require.NoError(t, err)
	assert.Empty(t, dropped, "the real Hub's pages drop nothing")
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(body, &raw))
	require.Len(t, raw, want.count, "the recorded page")
	require.Len(t, models, len(raw), "every item decoded")
	ids := map[string]bool{}
	spotted := 0
	for i, m := range models {
		require.NotEmpty(t, m.ID, "item %d has no id", i)
		assert.False(t, ids[m.ID], "id %s twice", m.ID)
		ids[m.ID] = true
		v := compat.Check(m, compat.DefaultCatalog())
		if v.Compatible {
			assert.NotEmpty(t, m.Architecture.Value, "%s: compatible without an architecture", m.ID)
			assert.NotEmpty(t, v.RecommendedWorker, m.ID)
			// Default list fields are tags only: a passing model is
			// always weak evidence, two steps below its family.
			assert.Equal(t, compat.Low, v.Confidence, m.ID)
			assert.Contains(t, codes(v.Warnings), weak, m.ID)
		} else {
			assert.Equal(t, compat.None, v.Confidence, m.ID)
			assert.NotEmpty(t, v.Reasons, m.ID)
		}
		if m.Architecture.Value != "" {
			assert.Equal(t, compat.SrcTags, m.Architecture.Source, "%s: the default list fields have no config nor gguf", m.ID)
		}
		if w, ok := want.spots[m.ID]; ok {
			spotted++
			t.Run(m.ID, func(t *testing.T) { checkRecWant(t, m, w) })
		}
	}
	assert.Equal(t, len(want.spots), spotted, "every spot-checked model is in the page")
}

// checkListHeaders checks the recorded headers of a list page against the
// body beside them: same length, and a next link to the Hub.
func checkListHeaders(t *testing.T, rec recording) {
	t.Helper()
	bodyRel := strings.TrimSuffix(rec.rel, ".headers.json") + ".json"
	_, known := listPages[bodyRel]
	if !known {
		_, known = recWants[bodyRel]
	}
	require.True(t, known, "headers of %s, a body the tables do not know", bodyRel)
	var h struct {
		Request struct {
			URL string `json:"url"`
		} `json:"request"`
		Response struct {
			Status  int                 `json:"status"`
			Headers map[string][]string `json:"headers"`
		} `json:"response"`
	}
	require.NoError(t, json.Unmarshal(rec.body, &h))
	assert.Equal(t, 200, h.Response.Status)
	body := recording{rel: bodyRel, dir: rec.dir}
	b, err := os.ReadFile(body.path())
	require.NoError(t, err)
	if cl := h.Response.Headers["Content-Length"]; len(cl) == 1 {
		assert.Equal(t, strconv.Itoa(len(b)), cl[0], "the body is the recorded one, byte for byte")
	}
	link := h.Response.Headers["Link"]
	require.Len(t, link, 1, "a full page has a next link")
	target, rel, ok := strings.Cut(link[0], ">; ")
	require.True(t, ok, link[0])
	assert.Equal(t, `rel="next"`, rel)
	next, err := url.Parse(strings.TrimPrefix(target, "<"))
	require.NoError(t, err)
	assert.Equal(t, "huggingface.co", next.Host)
	assert.Equal(t, "/api/models", next.Path)
	assert.NotEmpty(t, next.Query().Get("cursor"))
	req, err := url.Parse(h.Request.URL)
	require.NoError(t, err)
	assert.Equal(t, req.Query().Get("inference"), next.Query().Get("inference"), "the next page keeps the query")
}
