package hubtest

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Repo is one model repository of the fake Hub. Its JSON follows the real
// Hub's shapes (the recordings in internal/hf/testdata): abridged config
// without context keys, siblings as names only, gguf and safetensors
// objects only when the repo has such files. Its JSON tags are the layout
// of samples/catalog.json.
type Repo struct {
	ID      string `json:"id"`
	SHA     string `json:"sha,omitempty"`   // 40-hex commit; derived from ID when empty
	Gated   string `json:"gated,omitempty"` // "", "auto" or "manual"
	Private bool   `json:"private,omitempty"`

	// Abridged config (model info "config").
	ModelType     string   `json:"model_type,omitempty"`
	Architectures []string `json:"architectures,omitempty"`
	QuantMethod   string   `json:"quant_method,omitempty"`
	Diffusers     string   `json:"diffusers,omitempty"`     // diffusers pipeline class: config {"diffusers":{...}}
	ChatTemplate  string   `json:"chat_template,omitempty"` // tokenizer_config.chat_template

	Files []string `json:"files"`
	// Sizes is file name -> size in bytes, for the sizes of model info
	// with blobs=true and the files served under resolve/; a file absent
	// from it gets a plausible size by its name (see FileSize).
	Sizes map[string]int64 `json:"sizes,omitempty"`
	// GGUFHeader is what the .gguf files of the repo start with; nil
	// serves them as zeros, which no GGUF reader accepts.
	GGUFHeader *GGUFHeader `json:"gguf_header,omitempty"`
	// SafetensorsParams is dtype -> parameter count; nil means the Hub
	// sends no safetensors object.
	SafetensorsParams map[string]int64 `json:"safetensors_params,omitempty"`
	GGUF              *GGUF            `json:"gguf,omitempty"`

	Tags        []string `json:"tags,omitempty"`
	PipelineTag string   `json:"pipeline_tag,omitempty"`
	LibraryName string   `json:"library_name,omitempty"`
	License     string   `json:"license,omitempty"`
	BaseModel   any      `json:"base_model,omitempty"` // string or []string, as cardData has it

	Downloads    int64     `json:"downloads,omitempty"`
	Likes        int64     `json:"likes,omitempty"`
	Trending     int64     `json:"trending,omitempty"`
	CreatedAt    time.Time `json:"created_at,omitzero"`
	LastModified time.Time `json:"last_modified,omitzero"`

	// ConfigJSON is the raw config.json served under resolve/; nil means
	// the repository has none (404 EntryNotFound).
	ConfigJSON map[string]any `json:"config_json,omitempty"`

	// RealBytes serves every file with real content and lists its real
	// hashes (see content.go); Texts are the contents of its non-LFS
	// files by name.
	RealBytes bool              `json:"real_bytes,omitempty"`
	Texts     map[string]string `json:"texts,omitempty"`

	// hashes are the etags of a RealBytes repo's files, computed once
	// when it is added.
	hashes map[string]fileHashes

	// Readme is the model card served as README.md under resolve/ when
	// Files lists README.md; empty serves a short card made from the
	// repo's facts (Card). A repo whose Files lack README.md has none
	// (404 EntryNotFound).
	Readme string `json:"readme,omitempty"`
}

// GGUF is the Hub's gguf object.
type GGUF struct {
	Architecture  string `json:"architecture"`
	ContextLength int64  `json:"context_length,omitempty"`
	Total         int64  `json:"total"`
	TotalFileSize int64  `json:"total_file_size,omitempty"`
	ChatTemplate  string `json:"chat_template,omitempty"`
}

// ExpandKeys are the expand[] values the Hub accepts for models.
var ExpandKeys = []string{"author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt",
	"disabled", "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
	"inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token", "model-index",
	"pipeline_tag", "private", "resourceGroup", "safetensors", "sha", "siblings", "spaces", "tags",
	"transformersInfo", "trendingScore", "usedStorage", "widgetData", "xetEnabled"}

// infoOrder is the key order of a full model info answer.
var infoOrder = []string{"_id", "id", "private", "pipeline_tag", "library_name", "tags", "downloads", "likes",
	"modelId", "author", "sha", "lastModified", "gated", "disabled", "model-index", "config", "cardData",
	"transformersInfo", "gguf", "safetensors", "siblings", "spaces", "createdAt", "usedStorage"}

// listOrder is the key order of a list item without expand (observed Nov 2025).
var listOrder = []string{"_id", "id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag",
	"library_name", "createdAt", "modelId"}

// fields is a repo's JSON, one pre-encoded value per key; absent keys are
// keys the Hub would not send for this repo.
type fields map[string]json.RawMessage

func (r *Repo) normalize() {
	if r.SHA == "" {
		sum := sha1.Sum([]byte(r.ID))
		r.SHA = hex.EncodeToString(sum[:])
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Date(2022, 3, 2, 23, 29, 4, 0, time.UTC)
	}
	if r.LastModified.IsZero() {
		r.LastModified = r.CreatedAt.Add(24 * time.Hour)
	}
}

func (r *Repo) author() string {
	if owner, _, ok := strings.Cut(r.ID, "/"); ok {
		return owner
	}
	return ""
}

func mustJSON(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// encode computes every field of the repo once.
func (r *Repo) encode() fields {
	f := fields{}
	sum := sha1.Sum([]byte("_id" + r.ID))
	f["_id"] = mustJSON(hex.EncodeToString(sum[:12]))
	f["id"] = mustJSON(r.ID)
	f["modelId"] = f["id"]
	f["private"] = mustJSON(r.Private)
	f["disabled"] = mustJSON(false)
	if r.PipelineTag != "" {
		f["pipeline_tag"] = mustJSON(r.PipelineTag)
	}
	if r.LibraryName != "" {
		f["library_name"] = mustJSON(r.LibraryName)
	}
	tags := r.Tags
	if tags == nil {
		tags = []string{}
	}
	f["tags"] = mustJSON(tags)
	f["downloads"] = mustJSON(r.Downloads)
	f["likes"] = mustJSON(r.Likes)
	f["trendingScore"] = mustJSON(r.Trending)
	if a := r.author(); a != "" {
		f["author"] = mustJSON(a)
	}
	f["sha"] = mustJSON(r.SHA)
	f["lastModified"] = mustJSON(r.LastModified.UTC().Format("2006-01-02T15:04:05.000Z"))
	f["createdAt"] = mustJSON(r.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"))
	if r.Gated != "" {
		f["gated"] = mustJSON(r.Gated)
	} else {
		f["gated"] = mustJSON(false)
	}
	f["model-index"] = json.RawMessage("null")
	f["config"] = mustJSON(r.abridgedConfig())
	card := map[string]any{}
	if r.License != "" {
		card["license"] = r.License
	}
	if r.BaseModel != nil {
		card["base_model"] = r.BaseModel
	}
	if r.PipelineTag != "" {
		card["pipeline_tag"] = r.PipelineTag
	}
	f["cardData"] = mustJSON(card)
	if len(r.Architectures) > 0 && r.LibraryName == "transformers" {
		f["transformersInfo"] = mustJSON(map[string]string{"auto_model": "AutoModelForCausalLM", "pipeline_tag": r.PipelineTag, "processor": "AutoTokenizer"})
	}
	if g := r.GGUF; g != nil {
		obj := map[string]any{"total": g.Total, "architecture": g.Architecture}
		if g.ContextLength > 0 {
			obj["context_length"] = g.ContextLength
		}
		if g.ChatTemplate != "" {
			obj["chat_template"] = g.ChatTemplate
			obj["bos_token"] = "<s>"
			obj["eos_token"] = "</s>"
		}
		if g.TotalFileSize > 0 {
			obj["totalFileSize"] = g.TotalFileSize
		}
		f["gguf"] = mustJSON(obj)
	}
	if r.SafetensorsParams != nil {
		var total int64
		for _, n := range r.SafetensorsParams {
			total += n
		}
		f["safetensors"] = mustJSON(map[string]any{"parameters": r.SafetensorsParams, "total": total})
	}
	sib := make([]map[string]string, len(r.Files))
	for i, name := range r.Files {
		sib[i] = map[string]string{"rfilename": name}
	}
	f["siblings"] = mustJSON(sib)
	f[blobsKey] = mustJSON(r.blobSiblings())
	f["spaces"] = json.RawMessage("[]")
	f["usedStorage"] = mustJSON(int64(len(r.ID)) * 1_000_003)
	return f
}

func (r *Repo) abridgedConfig() map[string]any {
	c := map[string]any{}
	if r.Diffusers != "" {
		c["diffusers"] = map[string]string{"_class_name": r.Diffusers}
		return c
	}
	if len(r.Architectures) > 0 {
		c["architectures"] = r.Architectures
	}
	if r.ModelType != "" {
		c["model_type"] = r.ModelType
	}
	if r.QuantMethod != "" {
		c["quantization_config"] = map[string]any{"bits": 4, "quant_method": r.QuantMethod}
	}
	if r.ChatTemplate != "" {
		c["tokenizer_config"] = map[string]any{"bos_token": "<s>", "eos_token": "</s>", "chat_template": r.ChatTemplate}
	}
	return c
}

// render writes {_id, id, keys...} in the given order, skipping keys the
// repo lacks.
func (f fields) render(buf *bytes.Buffer, keys []string) {
	buf.WriteByte('{')
	first := true
	for _, k := range keys {
		v, ok := f[k]
		if !ok {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.WriteByte('"')
		buf.WriteString(k)
		buf.WriteString(`":`)
		buf.Write(v)
	}
	buf.WriteByte('}')
}

// projection is the key list of an answer: infoOrder or listOrder without
// expand; with expand, _id, id and the asked keys (in infoOrder where
// known).
func projection(expand []string, defaults []string) []string {
	if len(expand) == 0 {
		return defaults
	}
	want := map[string]bool{}
	for _, e := range expand {
		want[e] = true
	}
	keys := []string{"_id", "id"}
	seen := map[string]bool{"_id": true, "id": true}
	for _, k := range append(append([]string{}, infoOrder...), "trendingScore") {
		if want[k] && !seen[k] {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	return keys
}

// ModelJSON is the body the fake Hub answers for GET /api/models/{id} with
// the given expand[] values (none: the full object).
func ModelJSON(r Repo, expand ...string) []byte {
	r.normalize()
	var buf bytes.Buffer
	r.encode().render(&buf, projection(expand, infoOrder))
	return buf.Bytes()
}
