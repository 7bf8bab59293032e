package compat

import (
	"fmt"
	"strings"
	"unicode"
)

// NearMiss returns the family whose name an unsupported architecture carries
// as a word of its own (qwen2_vl → qwen, mllama → llama, phimoe → phi), so
// the user can be told the variant is not supported. The name must start
// the architecture, end it, or be followed by a digit or underscore:
// "dolphin" is not a phi.
func NearMiss(arch string, c Catalog) (Family, bool) {
	a := strings.ToLower(arch)
	if _, ok := c.FamilyOf(a); ok {
		return Family{}, false
	}
	for _, f := range c.Families {
		name := strings.ToLower(f.Name)
		if name == "" {
			continue
		}
		if strings.HasPrefix(a, name) || strings.HasSuffix(a, name) {
			return f, true
		}
		for i := strings.Index(a, name); i >= 0; {
			end := i + len(name)
			if end < len(a) && (a[end] == '_' || unicode.IsDigit(rune(a[end]))) {
				return f, true
			}
			next := strings.Index(a[i+1:], name)
			if next < 0 {
				break
			}
			i += 1 + next
		}
	}
	return Family{}, false
}

// supportedArchs lists the architectures of a family that at least one
// worker runs.
func supportedArchs(f Family, c Catalog) []string {
	var out []string
	for _, a := range f.Architectures {
		for _, w := range c.Workers {
			if w.runsAny(a) {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// loadedFormats lists, in pairing order, every format some worker loads.
func loadedFormats(c Catalog) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range c.Workers {
		for _, f := range w.Formats {
			f = strings.ToLower(f)
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return orderFormats(out)
}

var formatDisplay = map[string]string{FormatSafetensors: "SafeTensors", FormatGGUF: "GGUF", FormatPyTorch: "PyTorch", FormatONNX: "ONNX", FormatMLX: "MLX"}

func displayFormat(f string) string {
	if d, ok := formatDisplay[f]; ok {
		return d
	}
	return f
}

// recommend writes plain sentences on what to do instead (policy 5.4).
func recommend(m Model, v Verdict, c Catalog) []string {
	out := []string{}
	codes := map[string]bool{}
	for _, r := range v.Reasons {
		codes[r.Code] = true
	}
	if codes[CodeArchUnsupported] {
		if f, ok := NearMiss(v.Architecture, c); ok {
			out = append(out, fmt.Sprintf("%s is a %s variant that no worker supports; the supported %s architectures are %s.",
				v.Architecture, title(f.Name), title(f.Name), humanList(supportedArchs(f, c))))
		} else {
			var fams []string
			for _, f := range c.Families {
				if len(supportedArchs(f, c)) > 0 {
					fams = append(fams, f.Name)
				}
			}
			if len(fams) > 0 {
				out = append(out, fmt.Sprintf("No worker runs the %s architecture; look for a model of a supported family (%s).",
					v.Architecture, strings.Join(fams, ", ")))
			} else {
				out = append(out, fmt.Sprintf("No worker runs the %s architecture.", v.Architecture))
			}
		}
	}
	if codes[CodeArchUnknown] {
		out = append(out, "Check the model's config.json for model_type; a repository without one is usually not a language model.")
	}
	if codes[CodeFormatUnsupported] || codes[CodeFormatUnknown] {
		fs := loadedFormats(c)
		names := make([]string, len(fs))
		for i, f := range fs {
			names[i] = displayFormat(f)
		}
		if len(names) > 0 {
			out = append(out, fmt.Sprintf("Look for a %s version of this model.", orList(names)))
		}
	}
	for _, w := range v.Warnings {
		if w.Code == CodeCtxExceedsWorker {
			limit := int64(0)
			for _, r := range v.Workers {
				for _, rw := range r.Warnings {
					if rw == w && (limit == 0 || r.MaxContext < limit) {
						limit = r.MaxContext
					}
				}
			}
			out = append(out, fmt.Sprintf("Run it with a context of at most %d tokens, or use a worker with a larger context limit.", limit))
			break
		}
	}
	if m.IsGated() {
		if c.Machine.HubToken {
			out = append(out, "Accept the model's licence on its Hub page before downloading: your token is used once it has access.")
		} else {
			out = append(out, "Accept the model's licence on its Hub page and set HF_TOKEN before downloading.")
		}
	}
	return out
}

func orList(ss []string) string {
	if len(ss) <= 1 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " or " + ss[len(ss)-1]
}

func title(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
