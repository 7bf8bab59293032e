package hf

// ListExpand are the expand[] values every list (and model info) request
// asks for: everything the verdict and the list view need, so judging a
// page costs one request, never one per model.
var ListExpand = []string{"author", "cardData", "config", "downloads", "gated", "gguf", "lastModified",
	"library_name", "likes", "pipeline_tag", "safetensors", "sha", "siblings", "tags"}
