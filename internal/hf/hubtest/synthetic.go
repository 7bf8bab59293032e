package hubtest

import (
	"fmt"
	"time"
)

// synthKind is one shape a synthetic model takes.
type synthKind struct {
	modelType, class string
	gguf             string // GGUF architecture: a GGUF-only repo
	ctx              int64
}

var synthKinds = []synthKind{
	{modelType: "llama", class: "LlamaForCausalLM", ctx: 131072},
	{modelType: "qwen2", class: "Qwen2ForCausalLM", ctx: 32768},
	{gguf: "llama", ctx: 8192},
	{modelType: "mistral", class: "MistralForCausalLM", ctx: 32768},
	{gguf: "qwen3", ctx: 40960},
	{modelType: "gemma3_text", class: "Gemma3ForCausalLM", ctx: 32768},
	{modelType: "gpt2", class: "GPT2LMHeadModel", ctx: 1024},
	{modelType: "phi3", class: "Phi3ForCausalLM", ctx: 131072},
	{gguf: "gemma3", ctx: 131072},
	{modelType: "bert", class: "BertModel", ctx: 512},
}

// synthTemplate is a chat template of realistic length (a few hundred
// bytes) so synthetic bodies weigh what real ones do.
const synthTemplate = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ '<|system|>\\n' + message['content'] + eos_token }}{% elif message['role'] == 'user' %}{{ '<|user|>\\n' + message['content'] + eos_token }}{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\\n' + message['content'] + eos_token }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}{% endif %}"

// Synthetic builds n realistic models, deterministic for a given n: ids
// "synthetic-org-K/model-N-<type>", a mix of supported safetensors, GGUF
// and unsupported repos. With every expand[] key a model body weighs
// about 1.8 KB, so a page of 100 is about 180 KB, like a real page.
func Synthetic(n int) []Repo {
	out := make([]Repo, 0, n)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		k := synthKinds[i%len(synthKinds)]
		name := k.modelType
		if k.gguf != "" {
			name = k.gguf + "-GGUF"
		}
		id := fmt.Sprintf("synthetic-org-%d/model-%d-%s", i%17, i, name)
		params := int64(1_000_000_000 + (i%50)*137_000_000)
		var r Repo
		if k.gguf != "" {
			r = ggufRepo(id, k.gguf, k.ctx, params,
				fmt.Sprintf("model-%d-Q4_K_M.gguf", i), fmt.Sprintf("model-%d-Q8_0.gguf", i), fmt.Sprintf("model-%d-f16.gguf", i))
			r.GGUF.ChatTemplate = synthTemplate
			r.Tags = append(r.Tags, "base_model:synthetic-org/base-"+name, "license:apache-2.0", "en")
		} else {
			r = llm(id, k.modelType, k.class, k.ctx, params, 1+i%4, "en", "license:apache-2.0")
			r.ChatTemplate = synthTemplate
		}
		r.Tags = append(r.Tags, "dataset:synthetic-org/instruct-mix", fmt.Sprintf("arxiv:2401.%05d", i%99999),
			fmt.Sprintf("arxiv:2405.%05d", (i*7)%99999), "text-generation-inference", "endpoints_compatible", "autotrain_compatible")
		r.Files = append(r.Files, "LICENSE", "USE_POLICY.md", "tokenizer.model", "chat_template.jinja")
		r.License = "apache-2.0"
		r.BaseModel = "synthetic-org/base-" + name
		r.Downloads = int64((n - i) * 1000)
		r.Likes = int64((i * 7919) % 5000)
		r.Trending = int64((i * 31) % 200)
		r.CreatedAt = base.Add(time.Duration(i) * time.Hour)
		r.LastModified = r.CreatedAt.Add(time.Duration(i%48) * time.Hour)
		r.normalize()
		out = append(out, r)
	}
	return out
}

const chatTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

// shards lists a sharded safetensors (or bin) checkpoint the way the Hub
// names it.
func shards(prefix, ext string, n int) []string {
	if n == 1 {
		return []string{prefix + "." + ext}
	}
	out := make([]string, 0, n+1)
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s-%05d-of-%05d.%s", prefix, i, n, ext))
	}
	return append(out, prefix+"."+ext+".index.json")
}

func files(groups ...[]string) []string {
	out := []string{".gitattributes", "README.md"}
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

var tokenizerFiles = []string{"config.json", "generation_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"}

// llm builds a transformers causal LM with safetensors weights and a
// config.json carrying its context key.
func llm(id, modelType, class string, ctx, params int64, nShards int, tags ...string) Repo {
	base := []string{"transformers", "safetensors", modelType, "text-generation", "conversational"}
	cfg := map[string]any{"architectures": []string{class}, "model_type": modelType, "max_position_embeddings": ctx,
		"hidden_size": 4096, "num_attention_heads": 32, "torch_dtype": "bfloat16", "vocab_size": 32000}
	if modelType == "" {
		base = append(base[:2], base[3:]...)
		delete(cfg, "model_type")
	}
	return Repo{
		ID: id, ModelType: modelType, Architectures: []string{class}, ChatTemplate: chatTemplate,
		Files:             files(tokenizerFiles, shards("model", "safetensors", nShards)),
		SafetensorsParams: map[string]int64{"BF16": params},
		Tags:              append(base, append(tags, "region:us")...),
		PipelineTag:       "text-generation", LibraryName: "transformers", License: "apache-2.0",
		ConfigJSON: cfg,
	}
}

// ggufRepo builds a GGUF-only repo: config {} and a gguf object.
func ggufRepo(id, arch string, ctx, params int64, quantFiles ...string) Repo {
	return Repo{
		ID: id, Files: files(quantFiles),
		GGUF:        &GGUF{Architecture: arch, ContextLength: ctx, Total: params, TotalFileSize: params * 2, ChatTemplate: chatTemplate},
		Tags:        []string{"gguf", "text-generation", "conversational", "endpoints_compatible", "region:us"},
		PipelineTag: "text-generation", License: "apache-2.0",
	}
}
