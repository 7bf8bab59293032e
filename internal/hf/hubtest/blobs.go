package hubtest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// blobsKey holds, among a repo's encoded fields, the siblings of a model
// info asked with blobs=true (it is never a key of an answer).
const blobsKey = "siblings+blobs"

// lfsExt are the extensions the Hub stores in LFS (and, for the fake Hub,
// serves through its file storage origin).
var lfsExt = map[string]bool{
	".gguf": true, ".safetensors": true, ".bin": true, ".pth": true, ".pt": true, ".onnx": true,
	".h5": true, ".msgpack": true, ".ot": true, ".ckpt": true, ".tflite": true, ".mlmodel": true,
}

// IsLFS reports whether the fake Hub treats a file as an LFS file: listed
// with an lfs object under blobs=true, and served by a redirect to the
// file storage origin.
func IsLFS(name string) bool { return lfsExt[strings.ToLower(path.Ext(name))] }

// defaultSizes are the sizes of files a repo's Sizes does not name, by
// base name then by extension: typical sizes of such files on the Hub.
var (
	defaultByName = map[string]int64{
		".gitattributes": 1519, "README.md": 5174, "config.json": 727, "generation_config.json": 242,
		"special_tokens_map.json": 613, "tokenizer.json": 9085657, "tokenizer_config.json": 7305,
		"tokenizer.model": 2183982, "vocab.txt": 231508, "vocab.json": 798156, "merges.txt": 456318,
		"model.safetensors.index.json": 23950, "model_index.json": 541, "preprocessor_config.json": 316,
		"params.json": 220, "spiece.model": 791656,
	}
	defaultByExt = map[string]int64{
		".gguf": 4683073184, ".safetensors": 4976698672, ".bin": 4943162336, ".pth": 2471645608, ".pt": 2471645608,
		".onnx": 1242410496, ".h5": 497935440, ".msgpack": 497764120, ".ot": 510342192, ".ckpt": 5214865159,
		".tflite": 125162496, ".mlmodel": 497810844, ".json": 1024, ".md": 5174, ".txt": 4096,
	}
)

// shardRe matches the weight shards a transformers loader reads.
var shardRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^model(-\d{5}-of-\d{5})?\.safetensors$`) })

// dtypeBytes is the size of one parameter of a safetensors dtype.
var dtypeBytes = map[string]int64{"F64": 8, "I64": 8, "F32": 4, "I32": 4, "BF16": 2, "F16": 2, "I16": 2,
	"F8_E4M3": 1, "F8_E5M2": 1, "I8": 1, "U8": 1, "BOOL": 1}

// FileSize is the size the fake Hub gives a file of the repo: its entry in
// Sizes, else, for the model*.safetensors weights of a repo with
// safetensors parameters, those parameters' bytes shared evenly among the
// shards, else a typical size for its name or extension (4 KiB when none
// is known).
func (r *Repo) FileSize(name string) int64 {
	if r.RealBytes && !IsLFS(name) {
		return int64(len(r.textOf(name)))
	}
	if n, ok := r.Sizes[name]; ok {
		return n
	}
	base := path.Base(name)
	if r.SafetensorsParams != nil && path.Dir(name) == "." && shardRe().MatchString(base) {
		var total, shards int64
		for dtype, n := range r.SafetensorsParams {
			b, ok := dtypeBytes[dtype]
			if !ok {
				b = 2
			}
			total += n * b
		}
		for _, f := range r.Files {
			if path.Dir(f) == "." && shardRe().MatchString(f) {
				shards++
			}
		}
		if total > 0 && shards > 0 {
			return total/shards + 46_432 // + each shard's JSON header
		}
	}
	if n, ok := defaultByName[base]; ok {
		return n
	}
	if n, ok := defaultByExt[strings.ToLower(path.Ext(base))]; ok {
		return n
	}
	return 4096
}

// blobID is a file's git object id: stable, made up from the repo and path.
func (r *Repo) blobID(name string) string {
	if h, ok := r.hashes[name]; ok {
		return h.blobID
	}
	sum := sha1.Sum([]byte("blob\x00" + r.ID + "\x00" + name))
	return hex.EncodeToString(sum[:])
}

// lfsOID is an LFS file's sha256 (made up, stable).
func (r *Repo) lfsOID(name string) string {
	if h, ok := r.hashes[name]; ok && h.sha256 != "" {
		return h.sha256
	}
	sum := sha256.Sum256([]byte("lfs\x00" + r.ID + "\x00" + r.SHA + "\x00" + name))
	return hex.EncodeToString(sum[:])
}

// computeHashes fills the etags of a RealBytes repo's files.
func (r *Repo) computeHashes() {
	if !r.RealBytes {
		return
	}
	r.hashes = make(map[string]fileHashes, len(r.Files))
	for _, f := range r.Files {
		if h, err := r.hashesOf(f); err == nil {
			r.hashes[f] = h
		}
	}
}

// pointerSize is the size of the git-lfs pointer file of an LFS file of
// size n ("version https://git-lfs.github.com/spec/v1\noid sha256:<64
// hex>\nsize <n>\n").
func pointerSize(n int64) int {
	return len("version https://git-lfs.github.com/spec/v1\n") + len("oid sha256:") + 64 + 1 + len("size ") + len(strconv.FormatInt(n, 10)) + 1
}

// blobSibling is one sibling of a model info asked with blobs=true.
type blobSibling struct {
	RFilename string   `json:"rfilename"`
	BlobID    string   `json:"blobId"`
	Size      int64    `json:"size"`
	LFS       *lfsInfo `json:"lfs,omitempty"`
}

type lfsInfo struct {
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	PointerSize int    `json:"pointerSize"`
}

// blobSiblings are the siblings of blobs=true: as huggingface_hub's
// RepoSibling documents them, size being the real size for LFS files too.
func (r *Repo) blobSiblings() []blobSibling {
	out := make([]blobSibling, len(r.Files))
	for i, name := range r.Files {
		size := r.FileSize(name)
		out[i] = blobSibling{RFilename: name, BlobID: r.blobID(name), Size: size}
		if IsLFS(name) {
			out[i].LFS = &lfsInfo{SHA256: r.lfsOID(name), Size: size, PointerSize: pointerSize(size)}
		}
	}
	return out
}
