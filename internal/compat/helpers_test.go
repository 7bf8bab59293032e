package compat_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// The expectations in these tests come from ../shared/COMPAT_POLICY.md, not
// from the code: each table names the policy section it encodes.

// Worker names of the default catalog (policy section 4).
const (
	cpuWorker   = "llm-worker-rbee-cpu"
	cudaWorker  = "llm-worker-rbee-cuda"
	metalWorker = "llm-worker-rbee-metal"
	rocmWorker  = "llm-worker-rbee-rocm"
)

// defaultWorkerNames lists the default catalog's workers in policy order.
var defaultWorkerNames = []string{cpuWorker, cudaWorker, metalWorker, rocmWorker}

// The exact recommendation for an unsupported format (policy 5.4).
const lookForSTorGGUF = "Look for a SafeTensors or GGUF version of this model."

// stRaw is a plain safetensors repository whose config says modelType.
func stRaw(id, modelType string) compat.Raw {
	return compat.Raw{
		ID:              id,
		ConfigModelType: modelType,
		HasSafetensors:  true,
		HasSiblings:     true,
		Siblings:        []string{".gitattributes", "README.md", "config.json", "model.safetensors", "tokenizer.json"},
	}
}

// ggufRaw is a GGUF repository whose gguf object says arch.
func ggufRaw(id, arch string) compat.Raw {
	return compat.Raw{
		ID:               id,
		HasGGUF:          true,
		GGUFArchitecture: arch,
		HasSiblings:      true,
		Siblings:         []string{".gitattributes", "README.md", "model-Q4_K_M.gguf", "model-Q8_0.gguf"},
	}
}

// withFiles returns r with the sibling list replaced by files.
func withFiles(r compat.Raw, files ...string) compat.Raw {
	r.HasSiblings = true
	r.Siblings = files
	return r
}

// checkRaw derives a model from r and judges it against the default catalog.
func checkRaw(r compat.Raw) compat.Verdict {
	return compat.Check(compat.Derive(r), compat.DefaultCatalog())
}

// withContext gives a model a context length read from config.json.
func withContext(m compat.Model, n int64) compat.Model {
	return compat.WithConfigJSON(m, map[string]any{"max_position_embeddings": float64(n)})
}

func codes(ms []compat.Message) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return out
}

func hasCode(ms []compat.Message, code string) bool {
	for _, m := range ms {
		if m.Code == code {
			return true
		}
	}
	return false
}

func messageFor(ms []compat.Message, code string) (string, bool) {
	for _, m := range ms {
		if m.Code == code {
			return m.Message, true
		}
	}
	return "", false
}

// anyContains reports whether some sentence contains every one of parts
// (case-insensitively).
func anyContains(sentences []string, parts ...string) bool {
	for _, s := range sentences {
		ls := strings.ToLower(s)
		ok := true
		for _, p := range parts {
			if !strings.Contains(ls, strings.ToLower(p)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func evidenceFor(v compat.Verdict, fact string) (compat.Evidence, bool) {
	for _, e := range v.Evidence {
		if e.Fact == fact {
			return e, true
		}
	}
	return compat.Evidence{}, false
}

// requireCompatible asserts a compatible verdict with the given base
// confidence and a single OK reason.
func requireCompatible(t *testing.T, v compat.Verdict, conf compat.Confidence) {
	t.Helper()
	require.Truef(t, v.Compatible, "want compatible, reasons %+v", v.Reasons)
	assert.Equal(t, conf, v.Confidence)
	assert.Equal(t, []string{compat.CodeOK}, codes(v.Reasons))
}

// requireIncompatible asserts an incompatible verdict whose reasons are
// exactly want, headline first, on the model and on every worker.
func requireIncompatible(t *testing.T, v compat.Verdict, want ...string) {
	t.Helper()
	require.Falsef(t, v.Compatible, "want incompatible, got %+v", v.Reasons)
	assert.Equal(t, compat.None, v.Confidence)
	assert.Equal(t, want, codes(v.Reasons))
	assert.Empty(t, v.RecommendedWorker)
	for _, w := range v.Workers {
		assert.Falsef(t, w.Compatible, "worker %s", w.Name)
		assert.Equalf(t, compat.None, w.Confidence, "worker %s", w.Name)
		assert.Equalf(t, want, codes(w.Reasons), "worker %s", w.Name)
	}
}

// fakeProber answers for the tools it lists.
type fakeProber map[string]bool

func (p fakeProber) Answers(tool string) bool { return p[tool] }
