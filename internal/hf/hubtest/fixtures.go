package hubtest

import (
	"fmt"
	"time"
)

// Renames are the legacy ids the fake Hub redirects (307), like the real
// one does for repos moved under an organisation.
var Renames = map[string]string{
	"bert-base-uncased": "google-bert/bert-base-uncased",
	"gpt2":              "openai-community/gpt2",
}

const chatTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

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

func with(r Repo, f func(*Repo)) Repo { f(&r); return r }

// Fixtures is the fake Hub's catalogue: real repository ids with shapes
// modelled on real answers, covering every branch of the verdict.
func Fixtures() []Repo {
	repos := []Repo{
		with(llm("meta-llama/Llama-3.1-8B-Instruct", "llama", "LlamaForCausalLM", 131072, 8030261248, 4, "facebook", "meta", "pytorch", "llama-3", "license:llama3.1"), func(r *Repo) {
			r.Gated, r.License, r.BaseModel = "manual", "llama3.1", "meta-llama/Llama-3.1-8B"
			r.Files = append(r.Files, "original/consolidated.00.pth", "original/params.json", "original/tokenizer.model")
			r.Downloads, r.Likes, r.Trending, r.LastModified = 5795728, 3763, 120, day(2024, 9, 25)
		}),
		with(llm("meta-llama/Llama-3.2-1B-Instruct", "llama", "LlamaForCausalLM", 131072, 1235814400, 1, "llama-3"), func(r *Repo) {
			r.Gated, r.License = "manual", "llama3.2"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 3100000, 900, 80, day(2024, 10, 24)
		}),
		with(llm("mistralai/Mistral-7B-Instruct-v0.3", "mistral", "MistralForCausalLM", 32768, 7248023552, 3), func(r *Repo) {
			r.Gated = "auto"
			r.Files = append(r.Files, "consolidated.safetensors", "params.json", "tokenizer.model.v3")
			r.Downloads, r.Likes, r.Trending, r.LastModified = 1200000, 1500, 60, day(2024, 8, 21)
		}),
		with(llm("HuggingFaceH4/zephyr-7b-beta", "mistral", "MistralForCausalLM", 32768, 7241732096, 8, "pytorch", "generated_from_trainer"), func(r *Repo) {
			r.Files = append(r.Files, shards("pytorch_model", "bin", 8)...)
			r.License, r.BaseModel = "mit", "mistralai/Mistral-7B-v0.1"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 684157, 1667, 12, day(2024, 10, 16)
		}),
		with(llm("mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral", "MixtralForCausalLM", 32768, 46702792704, 19), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 400000, 4300, 20, day(2024, 8, 19)
		}),
		with(llm("Qwen/Qwen2.5-7B-Instruct", "qwen2", "Qwen2ForCausalLM", 32768, 7615616512, 4), func(r *Repo) {
			r.BaseModel = []string{"Qwen/Qwen2.5-7B"}
			r.Downloads, r.Likes, r.Trending, r.LastModified = 2500000, 700, 90, day(2025, 1, 12)
		}),
		with(llm("Qwen/Qwen3-0.6B", "qwen3", "Qwen3ForCausalLM", 40960, 751632384, 1), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 1800000, 600, 150, day(2025, 5, 21)
		}),
		with(llm("Qwen/Qwen3-30B-A3B", "qwen3_moe", "Qwen3MoeForCausalLM", 40960, 30532122624, 16), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 500000, 800, 110, day(2025, 7, 1)
		}),
		with(llm("google/gemma-3-1b-it", "gemma3_text", "Gemma3ForCausalLM", 32768, 999885952, 1), func(r *Repo) {
			r.Gated, r.License = "manual", "gemma"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 2000000, 600, 70, day(2025, 4, 4)
		}),
		with(llm("google/gemma-3-4b-it", "gemma3", "Gemma3ForConditionalGeneration", 0, 4300079472, 2), func(r *Repo) {
			r.Gated, r.License, r.PipelineTag = "manual", "gemma", "image-text-to-text"
			r.ConfigJSON = map[string]any{"architectures": []string{"Gemma3ForConditionalGeneration"}, "model_type": "gemma3",
				"text_config":   map[string]any{"model_type": "gemma3_text", "max_position_embeddings": 131072, "hidden_size": 2560},
				"vision_config": map[string]any{"model_type": "siglip_vision_model", "image_size": 896}}
			r.Downloads, r.Likes, r.Trending, r.LastModified = 900000, 700, 75, day(2025, 3, 21)
		}),
		with(llm("google/gemma-2-9b-it", "gemma2", "Gemma2ForCausalLM", 8192, 9241705984, 4), func(r *Repo) {
			r.Gated, r.License = "manual", "gemma"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 300000, 700, 10, day(2024, 8, 27)
		}),
		with(llm("microsoft/Phi-3.5-mini-instruct", "phi3", "Phi3ForCausalLM", 131072, 3821079552, 2), func(r *Repo) {
			r.License = "mit"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 400000, 900, 15, day(2024, 8, 26)
		}),
		with(llm("microsoft/phi-2", "phi", "PhiForCausalLM", 2048, 2779683840, 2), func(r *Repo) {
			r.License = "mit"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 250000, 3200, 5, day(2024, 4, 29)
		}),
		with(llm("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "llama", "LlamaForCausalLM", 2048, 1100048384, 1), func(r *Repo) {
			r.Files = append(r.Files, "pytorch_model.bin")
			r.Downloads, r.Likes, r.Trending, r.LastModified = 1500000, 1200, 25, day(2024, 3, 17)
		}),
		with(llm("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "qwen2", "Qwen2ForCausalLM", 131072, 1777088000, 1), func(r *Repo) {
			r.License = "mit"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 1000000, 1300, 40, day(2025, 2, 24)
		}),
		// No model_type in the abridged config: the class name maps it.
		with(llm("NousResearch/Hermes-3-Llama-3.1-8B", "", "LlamaForCausalLM", 131072, 8030261248, 4, "llama"), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 90000, 300, 3, day(2024, 9, 8)
		}),
		// Near misses and unsupported variants.
		with(llm("Qwen/Qwen2-VL-7B-Instruct", "qwen2_vl", "Qwen2VLForConditionalGeneration", 32768, 8291375616, 5), func(r *Repo) {
			r.PipelineTag = "image-text-to-text"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 800000, 1100, 30, day(2024, 9, 25)
		}),
		with(llm("TheBloke/Llama-2-7B-Chat-AWQ", "llama", "LlamaForCausalLM", 4096, 1129381888, 1, "awq", "4-bit"), func(r *Repo) {
			r.QuantMethod, r.License = "awq", "llama2"
			r.SafetensorsParams = map[string]int64{"I32": 880803840, "F16": 248578048}
			r.Downloads, r.Likes, r.Trending, r.LastModified = 60000, 40, 1, day(2023, 11, 9)
		}),
		with(llm("mlx-community/Llama-3.2-1B-Instruct-4bit", "llama", "LlamaForCausalLM", 131072, 193562624, 1, "mlx"), func(r *Repo) {
			r.LibraryName = "mlx"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 200000, 20, 8, day(2024, 9, 25)
		}),
		{
			ID: "onnx-community/Qwen2.5-0.5B-Instruct", ModelType: "qwen2", Architectures: []string{"Qwen2ForCausalLM"},
			Files: files(tokenizerFiles, []string{"onnx/model.onnx", "onnx/model_fp16.onnx", "onnx/model_q4.onnx"}),
			Tags:  []string{"transformers.js", "onnx", "qwen2", "text-generation", "conversational", "region:us"}, PipelineTag: "text-generation",
			LibraryName: "transformers.js", License: "apache-2.0", Downloads: 30000, Likes: 40, Trending: 2, LastModified: day(2024, 10, 8),
			ConfigJSON: map[string]any{"architectures": []string{"Qwen2ForCausalLM"}, "model_type": "qwen2", "max_position_embeddings": 32768},
		},
		// GGUF repositories.
		with(ggufRepo("ggml-org/gemma-3-1b-it-GGUF", "gemma3", 32768, 999885952, "gemma-3-1b-it-Q4_K_M.gguf", "gemma-3-1b-it-Q8_0.gguf", "gemma-3-1b-it-f16.gguf"), func(r *Repo) {
			r.License, r.BaseModel = "gemma", []string{"google/gemma-3-1b-it"}
			r.Downloads, r.Likes, r.Trending, r.LastModified = 186325, 38, 35, day(2025, 3, 12)
		}),
		with(ggufRepo("ggml-org/gemma-3-12b-it-GGUF", "gemma3", 131072, 11765788416, "gemma-3-12b-it-Q4_K_M.gguf", "gemma-3-12b-it-Q8_0.gguf", "mmproj-model-f16.gguf"), func(r *Repo) {
			r.License, r.BaseModel, r.PipelineTag = "gemma", []string{"google/gemma-3-12b-it"}, "image-text-to-text"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 3783, 31, 9, day(2025, 5, 21)
		}),
		with(ggufRepo("bartowski/Llama-3.2-3B-Instruct-GGUF", "llama", 131072, 3212749888, "Llama-3.2-3B-Instruct-Q4_K_M.gguf", "Llama-3.2-3B-Instruct-Q6_K_L.gguf", "Llama-3.2-3B-Instruct-f16.gguf"), func(r *Repo) {
			r.License = "llama3.2"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 150000, 160, 18, day(2024, 9, 25)
		}),
		with(ggufRepo("TheBloke/Mistral-7B-Instruct-v0.2-GGUF", "llama", 32768, 7241732096, "mistral-7b-instruct-v0.2.Q4_K_M.gguf", "mistral-7b-instruct-v0.2.Q5_K_M.gguf"), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 90000, 450, 4, day(2023, 12, 11)
		}),
		with(ggufRepo("Qwen/Qwen2.5-7B-Instruct-GGUF", "qwen2", 32768, 7615616512, "qwen2.5-7b-instruct-q8_0-00001-of-00003.gguf", "qwen2.5-7b-instruct-q8_0-00002-of-00003.gguf", "qwen2.5-7b-instruct-q8_0-00003-of-00003.gguf"), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 70000, 120, 11, day(2024, 9, 20)
		}),
		with(ggufRepo("Qwen/Qwen3-8B-GGUF", "qwen3", 40960, 8190735360, "Qwen3-8B-Q4_K_M.gguf", "Qwen3-8B-Q8_0.gguf"), func(r *Repo) {
			r.Downloads, r.Likes, r.Trending, r.LastModified = 80000, 200, 50, day(2025, 5, 1)
		}),
		with(ggufRepo("microsoft/Phi-3-mini-4k-instruct-gguf", "phi3", 4096, 3821079552, "Phi-3-mini-4k-instruct-q4.gguf", "Phi-3-mini-4k-instruct-fp16.gguf"), func(r *Repo) {
			r.License = "mit"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 50000, 500, 2, day(2024, 7, 2)
		}),
		// A projector alone is not a model: no weights, architecture clip.
		with(ggufRepo("example-org/llava-1.6-projector-GGUF", "clip", 0, 311895040, "mmproj-model-f16.gguf"), func(r *Repo) {
			r.PipelineTag = "image-text-to-text"
			r.Downloads, r.Likes, r.Trending, r.LastModified = 1200, 3, 0, day(2024, 2, 1)
		}),
		// Classic non-LLM and unsupported architectures.
		{
			ID: "openai-community/gpt2", ModelType: "gpt2", Architectures: []string{"GPT2LMHeadModel"},
			Files:             files([]string{"64-8bits.tflite", "config.json", "flax_model.msgpack", "generation_config.json", "merges.txt", "model.safetensors", "onnx/decoder_model.onnx", "pytorch_model.bin", "rust_model.ot", "tf_model.h5", "tokenizer.json", "vocab.json"}),
			SafetensorsParams: map[string]int64{"F32": 137022720},
			Tags:              []string{"transformers", "pytorch", "tf", "jax", "tflite", "rust", "onnx", "safetensors", "gpt2", "text-generation", "exbert", "en", "license:mit", "region:us"},
			PipelineTag:       "text-generation", LibraryName: "transformers", License: "mit",
			Downloads: 17272637, Likes: 2630, Trending: 28, LastModified: day(2024, 2, 19),
			ConfigJSON: map[string]any{"architectures": []string{"GPT2LMHeadModel"}, "model_type": "gpt2", "n_positions": 1024, "n_ctx": 1024, "n_embd": 768},
		},
		{
			ID: "google-bert/bert-base-uncased", ModelType: "bert", Architectures: []string{"BertForMaskedLM"},
			Files:             files([]string{"config.json", "coreml/fill-mask/float32_model.mlpackage/Data/com.apple.CoreML/model.mlmodel", "flax_model.msgpack", "model.onnx", "model.safetensors", "pytorch_model.bin", "rust_model.ot", "tf_model.h5", "tokenizer.json", "vocab.txt"}),
			SafetensorsParams: map[string]int64{"F32": 110106428},
			Tags:              []string{"transformers", "pytorch", "tf", "jax", "rust", "coreml", "onnx", "safetensors", "bert", "fill-mask", "exbert", "en", "license:apache-2.0", "region:us"},
			PipelineTag:       "fill-mask", LibraryName: "transformers", License: "apache-2.0",
			Downloads: 72376843, Likes: 2065, Trending: 14, LastModified: day(2024, 2, 19),
			ConfigJSON: map[string]any{"architectures": []string{"BertForMaskedLM"}, "model_type": "bert", "max_position_embeddings": 512},
		},
		{
			ID: "google-t5/t5-small", ModelType: "t5", Architectures: []string{"T5ForConditionalGeneration"},
			Files:             files([]string{"config.json", "flax_model.msgpack", "model.safetensors", "onnx/encoder_model.onnx", "pytorch_model.bin", "spiece.model", "tf_model.h5"}),
			SafetensorsParams: map[string]int64{"F32": 60506880},
			Tags:              []string{"transformers", "pytorch", "tf", "jax", "rust", "onnx", "safetensors", "t5", "text2text-generation", "license:apache-2.0", "region:us"},
			PipelineTag:       "translation", LibraryName: "transformers", License: "apache-2.0",
			Downloads: 5747624, Likes: 433, Trending: 6, LastModified: day(2023, 6, 30),
			ConfigJSON: map[string]any{"architectures": []string{"T5ForConditionalGeneration"}, "model_type": "t5", "n_positions": 512},
		},
		{
			ID: "openai/clip-vit-base-patch32", ModelType: "clip", Architectures: []string{"CLIPModel"},
			Files:       files([]string{"config.json", "flax_model.msgpack", "merges.txt", "preprocessor_config.json", "pytorch_model.bin", "tf_model.h5", "vocab.json"}),
			Tags:        []string{"transformers", "pytorch", "tf", "jax", "clip", "zero-shot-image-classification", "vision", "region:us"},
			PipelineTag: "zero-shot-image-classification", LibraryName: "transformers",
			Downloads: 14980810, Likes: 638, Trending: 7, LastModified: day(2024, 2, 29),
			ConfigJSON: map[string]any{"architectures": []string{"CLIPModel"}, "model_type": "clip", "text_config": map[string]any{"max_position_embeddings": 77}},
		},
		{
			ID: "facebook/opt-125m", ModelType: "opt", Architectures: []string{"OPTForCausalLM"},
			Files:       files([]string{"config.json", "flax_model.msgpack", "pytorch_model.bin", "tf_model.h5", "vocab.json", "merges.txt"}),
			Tags:        []string{"transformers", "pytorch", "tf", "jax", "opt", "text-generation", "license:other", "region:us"},
			PipelineTag: "text-generation", LibraryName: "transformers", License: "other",
			Downloads: 6000000, Likes: 200, Trending: 3, LastModified: day(2023, 9, 15),
			ConfigJSON: map[string]any{"architectures": []string{"OPTForCausalLM"}, "model_type": "opt", "max_position_embeddings": 2048},
		},
		{
			ID: "stabilityai/stable-diffusion-2-1", Diffusers: "StableDiffusionPipeline",
			Files:       files([]string{"model_index.json", "text_encoder/config.json", "text_encoder/model.safetensors", "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "v2-1_768-ema-pruned.ckpt", "v2-1_768-ema-pruned.safetensors", "vae/diffusion_pytorch_model.safetensors"}),
			Tags:        []string{"diffusers", "safetensors", "stable-diffusion", "text-to-image", "license:openrail++", "diffusers:StableDiffusionPipeline", "region:us"},
			PipelineTag: "text-to-image", LibraryName: "diffusers", License: "openrail++",
			Downloads: 1015720, Likes: 3928, Trending: 5, LastModified: day(2023, 7, 5),
		},
	}
	for i := range repos {
		repos[i].normalize()
	}
	return repos
}
