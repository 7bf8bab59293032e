package compat

import "strings"

// Confidence is how sure a verdict is.
type Confidence string

// Confidence levels, from most to least sure.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
	None   Confidence = "none"
)

// Valid reports whether c is one of the four levels.
func (c Confidence) Valid() bool {
	switch c {
	case High, Medium, Low, None:
		return true
	}
	return false
}

// down is one level lower, never below Low.
func (c Confidence) down() Confidence {
	switch c {
	case High:
		return Medium
	case Medium, Low:
		return Low
	}
	return c
}

// Family groups architectures under a name and a base confidence
// (policy section 3).
type Family struct {
	Name       string     `json:"name" toml:"name"`
	Confidence Confidence `json:"confidence" toml:"confidence"`
	// Architectures lists the family's architecture names, safetensors
	// model_type and GGUF general.architecture alike.
	Architectures []string `json:"architectures" toml:"architectures"`
}

// Worker is one local inference worker and what it loads.
type Worker struct {
	Name      string   `json:"name" toml:"name"`
	Device    string   `json:"device" toml:"device"`
	Platforms []string `json:"platforms" toml:"platforms"`
	// Formats the worker loads, for example ["gguf", "safetensors"].
	Formats []string `json:"formats" toml:"formats"`
	// Architectures per format: the architecture names the worker runs
	// when loading that format.
	Architectures map[string][]string `json:"architectures" toml:"architectures"`
	MaxContext    int64               `json:"max_context" toml:"max_context"`
	Streaming     bool                `json:"streaming" toml:"streaming"`
	Batching      bool                `json:"batching" toml:"batching"`
}

// RunsOn reports whether the worker runs on a platform (linux, macos,
// windows): true when either is unknown (empty).
func (w Worker) RunsOn(platform string) bool {
	if platform == "" || len(w.Platforms) == 0 {
		return true
	}
	for _, p := range w.Platforms {
		if strings.EqualFold(p, platform) {
			return true
		}
	}
	return false
}

// Loads reports whether the worker loads format.
func (w Worker) Loads(format string) bool {
	for _, f := range w.Formats {
		if strings.EqualFold(f, format) {
			return true
		}
	}
	return false
}

// Runs reports whether the worker runs architecture arch when loading
// format (exact, case-insensitive match).
func (w Worker) Runs(arch, format string) bool {
	for f, archs := range w.Architectures {
		if !strings.EqualFold(f, format) {
			continue
		}
		for _, a := range archs {
			if strings.EqualFold(a, arch) {
				return true
			}
		}
	}
	return false
}

// runsAny reports whether the worker runs arch under any format it lists.
func (w Worker) runsAny(arch string) bool {
	for _, archs := range w.Architectures {
		for _, a := range archs {
			if strings.EqualFold(a, arch) {
				return true
			}
		}
	}
	return false
}

// Catalog is the set of workers in force, with the families that give
// architectures their base confidence, and the machine the recommendation
// is made for.
type Catalog struct {
	Families []Family `json:"families" toml:"families"`
	Workers  []Worker `json:"workers" toml:"workers"`
	// Source says where the catalog came from ("built-in default" or a
	// file path). Not part of the file format.
	Source string `json:"-" toml:"-"`
	// Machine is what the recommended worker must suit. The zero value
	// suits only workers with device "cpu" on no particular platform.
	Machine Machine `json:"-" toml:"-"`
}

// Worker returns the worker named name (case-insensitive).
func (c Catalog) Worker(name string) (Worker, bool) {
	for _, w := range c.Workers {
		if strings.EqualFold(w.Name, name) {
			return w, true
		}
	}
	return Worker{}, false
}

// FamilyOf returns the family an architecture belongs to, by exact
// case-insensitive match.
func (c Catalog) FamilyOf(arch string) (Family, bool) {
	for _, f := range c.Families {
		for _, a := range f.Architectures {
			if strings.EqualFold(a, arch) {
				return f, true
			}
		}
	}
	return Family{}, false
}

// DefaultFamilies are the families of policy section 3.
func DefaultFamilies() []Family {
	return []Family{
		{Name: "llama", Confidence: High, Architectures: []string{"llama"}},
		{Name: "mistral", Confidence: High, Architectures: []string{"mistral", "mixtral"}},
		{Name: "phi", Confidence: Medium, Architectures: []string{"phi", "phi2", "phi3"}},
		{Name: "qwen", Confidence: Medium, Architectures: []string{"qwen2", "qwen2_moe", "qwen2moe", "qwen3", "qwen3_moe", "qwen3moe"}},
		{Name: "gemma", Confidence: Medium, Architectures: []string{"gemma", "gemma2", "gemma3", "gemma3_text"}},
	}
}

// defaultArchitectures is the table of policy section 3, per format.
func defaultArchitectures() map[string][]string {
	return map[string][]string{
		FormatSafetensors: {"llama", "mistral", "mixtral", "phi", "phi3", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2", "gemma3", "gemma3_text"},
		FormatGGUF:        {"llama", "phi2", "phi3", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "gemma", "gemma2", "gemma3"},
	}
}

// DefaultCatalog is the built-in worker catalog of policy section 4.
func DefaultCatalog() Catalog {
	mk := func(name, device string, platforms ...string) Worker {
		return Worker{
			Name:          name,
			Device:        device,
			Platforms:     platforms,
			Formats:       []string{FormatGGUF, FormatSafetensors},
			Architectures: defaultArchitectures(),
			MaxContext:    32768,
			Streaming:     true,
			Batching:      false,
		}
	}
	return Catalog{
		Families: DefaultFamilies(),
		Workers: []Worker{
			mk("llm-worker-rbee-cpu", "cpu", "linux", "macos", "windows"),
			mk("llm-worker-rbee-cuda", "cuda", "linux", "windows"),
			mk("llm-worker-rbee-metal", "metal", "macos"),
			mk("llm-worker-rbee-rocm", "rocm", "linux"),
		},
		Source: "built-in default",
	}
}
