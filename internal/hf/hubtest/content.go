package hubtest

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A repo with RealBytes serves every file with real content whose hashes
// the blobs=true model info gives, as the Hub does: an LFS file is its
// head (a GGUF header for .gguf, a safetensors header for .safetensors)
// then deterministic pseudo-random bytes up to its size, listed with
// lfs.sha256 = sha256 of the content and blobId = the git blob sha1 of its
// LFS pointer; another file is its text (Repo.Texts, config.json from
// ConfigJSON, else a small JSON or text naming it), served by the Hub
// itself, with blobId = the git blob sha1 of the content. The content is
// never materialised: a position maps to a byte of one shared 64 KiB
// block.

// fillBlock is the pseudo-random block the bytes past a head repeat.
var fillBlock = sync.OnceValue(func() []byte {
	b := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b
})

// content is one file's bytes: head, then the fill from offset off.
type content struct {
	head []byte
	size int64
	off  int64
}

// readAt copies the content at pos into p (as far as the content goes).
func (c *content) readAt(p []byte, pos int64) int {
	n := 0
	for n < len(p) && pos < c.size {
		if pos < int64(len(c.head)) {
			k := copy(p[n:], c.head[pos:])
			n += k
			pos += int64(k)
			continue
		}
		blk := fillBlock()
		i := (pos - int64(len(c.head)) + c.off) % int64(len(blk))
		k := copy(p[n:], blk[i:])
		if rest := c.size - pos; int64(k) > rest {
			k = int(rest)
		}
		n += k
		pos += int64(k)
	}
	return n
}

// Reader reads the whole content (for hashing, and for tests).
func (c *content) reader() io.Reader { return &contentReader{c: c} }

type contentReader struct {
	c   *content
	pos int64
}

func (r *contentReader) Read(p []byte) (int, error) {
	if r.pos >= r.c.size {
		return 0, io.EOF
	}
	n := r.c.readAt(p, r.pos)
	r.pos += int64(n)
	return n, nil
}

// fileHashes are a real file's etags.
type fileHashes struct {
	sha256 string // of the content (LFS files)
	blobID string // git blob sha1 of the pointer (LFS) or of the content
}

// textOf is the content of a repo's non-LFS file.
func (r *Repo) textOf(file string) []byte {
	if t, ok := r.Texts[file]; ok {
		return []byte(t)
	}
	if file == "config.json" && r.ConfigJSON != nil {
		return mustJSON(r.ConfigJSON)
	}
	if strings.HasSuffix(file, ".json") {
		return []byte(fmt.Sprintf("{\n  \"_name_or_path\": %q,\n  \"file\": %q\n}\n", r.ID, file))
	}
	return []byte("# " + file + " of " + r.ID + "\n")
}

// contentOf is a RealBytes repo's file content.
func (r *Repo) contentOf(file string) (*content, error) {
	if !IsLFS(file) {
		t := r.textOf(file)
		return &content{head: t, size: int64(len(t))}, nil
	}
	size := r.FileSize(file)
	var head []byte
	switch {
	case strings.EqualFold(pathExt(file), ".gguf") && r.GGUFHeader != nil:
		hdr := r.GGUFHeader
		if strings.Contains(strings.ToLower(path0(file)), "mmproj") && (len(hdr.KV) == 0 || hdr.KV[0].Value != "clip") {
			hdr = &GGUFHeader{KV: []HeaderKV{{Key: "general.architecture", Type: "string", Value: "clip"}}}
		}
		f, err := hdr.File(file)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if _, err := f.WriteHeader(&buf); err != nil {
			return nil, err
		}
		head = buf.Bytes()
	case strings.EqualFold(pathExt(file), ".safetensors"):
		js := `{"__metadata__":{"format":"pt"}}`
		head = binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
		head = append(head, js...)
	}
	if int64(len(head)) > size {
		head = head[:size]
	}
	h := fnv.New64a()
	h.Write([]byte(r.ID + "\x00" + file))
	return &content{head: head, size: size, off: int64(h.Sum64() % uint64(len(fillBlock())))}, nil
}

// gitBlobSHA1 is git's object id of a blob: sha1("blob <size>\0" + data).
func gitBlobSHA1(size int64, data io.Reader) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", size)
	io.Copy(h, data)
	return hex.EncodeToString(h.Sum(nil))
}

// hashesOf computes a real file's etags (the whole content is read once).
func (r *Repo) hashesOf(file string) (fileHashes, error) {
	c, err := r.contentOf(file)
	if err != nil {
		return fileHashes{}, err
	}
	if !IsLFS(file) {
		return fileHashes{blobID: gitBlobSHA1(c.size, c.reader())}, nil
	}
	var h hash.Hash = sha256.New()
	io.CopyBuffer(h, c.reader(), make([]byte, 1<<20))
	sum := hex.EncodeToString(h.Sum(nil))
	ptr := "version https://git-lfs.github.com/spec/v1\noid sha256:" + sum + "\nsize " + strconv.FormatInt(c.size, 10) + "\n"
	return fileHashes{sha256: sum, blobID: gitBlobSHA1(int64(len(ptr)), strings.NewReader(ptr))}, nil
}

// Content returns the bytes a RealBytes repo's file serves, for tests to
// compare with what a client wrote. It reads the whole file: small files
// only.
func (s *Server) Content(id, file string) ([]byte, error) {
	s.mu.Lock()
	e, ok := s.byID[id]
	s.mu.Unlock()
	if !ok || !e.repo.RealBytes {
		return nil, fmt.Errorf("hubtest: no real-bytes repo %q", id)
	}
	c, err := e.repo.contentOf(file)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(c.reader())
}

// GetRepos are small repos with real bytes, for downloads: a GGUF repo
// with two quants, a projector and an imatrix; a split GGUF; a
// safetensors repo with its JSON files, tokenizer and files get leaves
// alone.
func GetRepos() []Repo {
	ggufKV := &GGUFHeader{Preset: "qwen2.5-0.5b"}
	return []Repo{
		{
			ID: "getorg/tiny-GGUF", LibraryName: "gguf", Tags: []string{"gguf", "text-generation"}, PipelineTag: "text-generation",
			RealBytes: true, GGUFHeader: ggufKV,
			GGUF:  &GGUF{Architecture: "qwen2", ContextLength: 32768, Total: 494032768},
			Files: []string{".gitattributes", "README.md", "tiny-Q4_K_M.gguf", "tiny-Q8_0.gguf", "mmproj-tiny-f16.gguf", "tiny.imatrix.gguf"},
			Sizes: map[string]int64{"tiny-Q4_K_M.gguf": 3 << 20, "tiny-Q8_0.gguf": 5 << 20, "mmproj-tiny-f16.gguf": 1 << 20, "tiny.imatrix.gguf": 256 << 10},
		},
		{
			ID: "getorg/split-GGUF", LibraryName: "gguf", Tags: []string{"gguf", "text-generation"}, PipelineTag: "text-generation",
			RealBytes: true, GGUFHeader: ggufKV,
			GGUF:  &GGUF{Architecture: "qwen2", ContextLength: 32768, Total: 494032768},
			Files: []string{"README.md", "Q8_0/split-Q8_0-00001-of-00003.gguf", "Q8_0/split-Q8_0-00002-of-00003.gguf", "Q8_0/split-Q8_0-00003-of-00003.gguf"},
			Sizes: map[string]int64{"Q8_0/split-Q8_0-00001-of-00003.gguf": 2 << 20, "Q8_0/split-Q8_0-00002-of-00003.gguf": 2 << 20, "Q8_0/split-Q8_0-00003-of-00003.gguf": 1 << 20},
		},
		{
			ID: "getorg/tiny-safetensors", LibraryName: "transformers", ModelType: "qwen2", Architectures: []string{"Qwen2ForCausalLM"},
			Tags: []string{"transformers", "safetensors", "text-generation"}, PipelineTag: "text-generation",
			RealBytes:         true,
			SafetensorsParams: map[string]int64{"BF16": 1 << 20},
			ConfigJSON: map[string]any{"architectures": []any{"Qwen2ForCausalLM"}, "model_type": "qwen2", "hidden_size": 896, "num_hidden_layers": 24,
				"num_attention_heads": 14, "num_key_value_heads": 2, "max_position_embeddings": 32768, "vocab_size": 151936, "torch_dtype": "bfloat16"},
			Files: []string{".gitattributes", "README.md", "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "merges.txt",
				"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
				"consolidated.safetensors", "pytorch_model.bin", "onnx/model.onnx", "chat_template.jinja"},
			Sizes: map[string]int64{"model-00001-of-00002.safetensors": 1 << 20, "model-00002-of-00002.safetensors": 1 << 20, "consolidated.safetensors": 2 << 20,
				"pytorch_model.bin": 2 << 20, "onnx/model.onnx": 1 << 20},
		},
	}
}

// BigRepo is a GGUF repo with one file of size bytes and real content,
// for benchmarks (its hash is computed when it is added: a second per
// GiB or so).
func BigRepo(id string, size int64) Repo {
	return Repo{
		ID: id, LibraryName: "gguf", Tags: []string{"gguf", "text-generation"}, PipelineTag: "text-generation",
		RealBytes: true, GGUFHeader: &GGUFHeader{Preset: "qwen2.5-0.5b"},
		GGUF:  &GGUF{Architecture: "qwen2", ContextLength: 32768, Total: 494032768},
		Files: []string{"big-Q4_K_M.gguf"},
		Sizes: map[string]int64{"big-Q4_K_M.gguf": size},
	}
}

// pathsInfo answers POST /api/models/{id}/paths-info/{rev} (a JSON body
// {"paths": [...], "expand": bool}) as the Hub does: one object per file
// found, with its oid (git blob id), size, lfs {oid, size, pointerSize}
// and, with expand, its last commit (the repo's commit here). Called with
// s.mu held.
func (s *Server) pathsInfo(r *http.Request) *response {
	rest := strings.TrimPrefix(r.URL.Path, "/api/models/")
	id, rev, ok := strings.Cut(rest, "/paths-info/")
	e, found := s.byID[id]
	if !ok || !found || e.repo.Private {
		return s.notFound("api", false)
	}
	if !revisionOK(e, rev) {
		return s.errorJSON(http.StatusNotFound, "api", "RevisionNotFound", "Invalid rev id: "+rev)
	}
	var body struct {
		Paths  []string `json:"paths"`
		Expand bool     `json:"expand"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err != nil {
		return s.errorJSON(http.StatusBadRequest, "api", "", "bad body: "+err.Error())
	}
	out := []map[string]any{}
	for _, p := range body.Paths {
		if !slices.Contains(e.repo.Files, p) {
			continue
		}
		size := e.repo.FileSize(p)
		item := map[string]any{"type": "file", "path": p, "oid": e.repo.blobID(p), "size": size}
		if IsLFS(p) {
			item["lfs"] = map[string]any{"oid": e.repo.lfsOID(p), "size": size, "pointerSize": pointerSize(size)}
		}
		if body.Expand {
			item["lastCommit"] = map[string]any{"id": e.repo.SHA, "title": "Upload " + p, "date": e.repo.LastModified.UTC().Format("2006-01-02T15:04:05.000Z")}
		}
		out = append(out, item)
	}
	resp := s.newResponse(http.StatusOK, "api")
	resp.header.Set("Content-Type", "application/json; charset=utf-8")
	resp.body = mustJSON(out)
	return resp
}
