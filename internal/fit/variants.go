package fit

import (
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// File is one file of a repository with its size; Size is nil when the Hub
// gave none.
type File struct {
	Path string  `json:"path"`
	Size *uint64 `json:"size"`
}

// Repo is what [Variants] needs to know about a repository.
type Repo struct {
	// Files are the repository's files (model info siblings with blobs=true).
	Files []File
	// Parameters is safetensors.parameters: a parameter count per dtype.
	Parameters map[string]uint64
	// QuantMethod is config.quantization_config.quant_method, "" when none;
	// it makes the safetensors variant's format safetensors-<method>.
	QuantMethod string
}

// Variant is a set of files a worker loads together (policy section 1).
type Variant struct {
	// Name is the label: the quant (Q4_K_M, UD-Q4_K_XL, BF16), the folder
	// or the file's stem; unique within one listing.
	Name string
	// Format is "gguf", "safetensors" or "safetensors-<method>".
	Format string
	// Folder is the folder holding the files, "" at the repository root.
	Folder string
	// Files are the files present, split parts in part order.
	Files []File
	// Parts is how many files the variant has when complete.
	Parts int
	// Size is the sum of the present files' sizes; SizeKnown is false when
	// any of them has no size.
	Size      uint64
	SizeKnown bool
	// Complete is false when a split part is missing.
	Complete bool
}

// Roles of files that are listed but are never a variant.
const (
	RoleMMProj  = "mmproj"  // a vision projector
	RoleIMatrix = "imatrix" // an importance matrix
	RoleMTP     = "mtp"     // a multi-token-prediction head
)

// Extra is a file shown beside the variants but never one itself.
type Extra struct {
	File
	// Role is RoleMMProj, RoleIMatrix or RoleMTP.
	Role string
}

// Listing is a repository's variants, largest first, and its extra files
// in path order.
type Listing struct {
	Variants []Variant
	Extras   []Extra
}

// Find returns the variant a user's label names (FIT_POLICY section 6):
// the one labelled exactly so, else the one whose label matches ignoring
// case when only one does (REPO:q4_k_m picks Q4_K_M).
func (l Listing) Find(label string) (Variant, bool) {
	if v, ok := l.Variant(label); ok {
		return v, true
	}
	var found []Variant
	for _, v := range l.Variants {
		if strings.EqualFold(v.Name, label) {
			found = append(found, v)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return Variant{}, false
}

// Variant returns the variant labelled name.
func (l Listing) Variant(name string) (Variant, bool) {
	for _, v := range l.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

var (
	quantRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(UD-)?(F32|FP32|BF16|F16|FP16|Q8_0|Q8_K|Q6_K|Q5_K|Q5_0|Q5_1|Q4_0_4_4|Q4_0_4_8|Q4_0_8_8|Q4_K|Q4_0|Q4_1|Q3_K|Q2_K|Q2_0|Q1_0|IQ4_NL|IQ4_XS|IQ3_XXS|IQ3_XS|IQ3_S|IQ3_M|IQ2_XXS|IQ2_XS|IQ2_S|IQ2_M|IQ1_S|IQ1_M|TQ1_0|TQ2_0|MXFP4_MOE|MXFP4|NVFP4)(_(XL|L|M|S))?`)
	})
	// bareQuantRE is llama.cpp's own tag rule for a name's last token:
	// bare forms such as Q4, Q8, Q4KM.
	bareQuantRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^I?Q[1-8][0-9A-Z_]*$`) })
	// splitRE matches a split part: stem, part number, part count.
	splitRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.+)-([0-9]{5})-of-([0-9]{5})$`) })
)

// MaxParts bounds the part count a split name may claim: a variant that
// claims more is incomplete, and only the parts present are ever looked
// at, so a hostile "-00001-of-99999" costs nothing.
const MaxParts = 1024

// Label is the quant named in a file stem or folder name (policy section
// 1): the last match of the policy's pattern in the upper-cased name; else
// its last token after "-" or "." when that is a bare quant such as Q4 or
// Q8; "" when there is neither. The result is upper-cased (fp16 gives
// FP16).
func Label(name string) string {
	up := strings.ToUpper(name)
	if all := quantRE().FindAllString(up, -1); len(all) > 0 {
		return all[len(all)-1]
	}
	last := up
	if i := strings.LastIndexAny(up, "-./"); i >= 0 {
		last = up[i+1:]
	}
	if bareQuantRE().MatchString(last) {
		return last
	}
	return ""
}

// IsRepack reports whether a label names an ARM repack type (Q4_0_4_4,
// Q4_0_4_8, Q4_0_8_8), which current llama.cpp no longer loads: such a
// variant is listed with its level but is never the best.
func IsRepack(label string) bool {
	up := strings.ToUpper(label)
	return strings.Contains(up, "Q4_0_4_4") || strings.Contains(up, "Q4_0_4_8") || strings.Contains(up, "Q4_0_8_8")
}

// SafePath reports whether a repository file path is one modelbrowser
// may name, look up on disk or fetch (GET_POLICY section 1): relative, no
// drive letter, no backslash, no empty, "." or ".." segment and no
// control character. Other paths are never variants.
func SafePath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsRune(p, '\\') {
		return false
	}
	if len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// Variants groups a repository's files into variants (policy section 1):
// every GGUF file or set of split parts, and one safetensors variant. They
// are ordered largest first (incomplete ones by the parts present; sizes
// unknown last, by path); duplicate labels after the first are prefixed
// with the folder, or "safetensors/".
func Variants(r Repo) Listing {
	var l Listing
	type group struct {
		v     Variant
		parts map[int]File
		first string // path of the first file seen, for ordering
	}
	groups := map[string]*group{}
	var keys []string
	add := func(key string, g *group) {
		if _, ok := groups[key]; !ok {
			groups[key] = g
			keys = append(keys, key)
		}
	}
	for _, f := range r.Files {
		if !SafePath(f.Path) {
			continue // never a variant, never looked up on disk
		}
		lower := strings.ToLower(f.Path)
		if strings.HasSuffix(lower, ".imatrix") {
			l.Extras = append(l.Extras, Extra{f, RoleIMatrix})
			continue
		}
		if !strings.HasSuffix(lower, ".gguf") {
			continue
		}
		if role := extraRole(f.Path); role != "" {
			l.Extras = append(l.Extras, Extra{f, role})
			continue
		}
		dir, base := splitPath(f.Path)
		stem := base[:len(base)-len(".gguf")]
		if m := splitRE().FindStringSubmatch(stem); m != nil {
			n, _ := strconv.Atoi(m[2])
			total, _ := strconv.Atoi(m[3])
			if n >= 1 && n <= total {
				if total > MaxParts {
					total = MaxParts + 1 // absurd: can never be complete
				}
				key := dir + "\x00" + m[1] + "\x00" + m[3]
				add(key, &group{v: Variant{Format: compat.FormatGGUF, Folder: dir, Parts: total, Name: ggufLabel(dir, m[1])}, parts: map[int]File{}, first: f.Path})
				groups[key].parts[n] = f
				continue
			}
		}
		key := "\x01" + f.Path
		add(key, &group{v: Variant{Format: compat.FormatGGUF, Folder: dir, Parts: 1, Name: ggufLabel(dir, stem)}, parts: map[int]File{1: f}, first: f.Path})
	}
	if st := safetensorsFiles(safeFiles(r.Files)); len(st.files) > 0 {
		format, label := compat.FormatSafetensors, dtypeLabel(r.Parameters)
		if r.QuantMethod != "" {
			format, label = compat.QuantizedSafetensors(r.QuantMethod), r.QuantMethod
		}
		parts := map[int]File{}
		for i, f := range st.files {
			parts[i+1] = f
		}
		if st.total > 0 {
			parts = st.shards
		}
		n := len(st.files)
		if st.total > 0 {
			n = st.total
		}
		add("\x02", &group{v: Variant{Format: format, Parts: n, Name: label}, parts: parts, first: st.files[0].Path})
	}

	for _, k := range keys {
		g := groups[k]
		v := g.v
		v.SizeKnown = true
		// Only the parts present are visited: the claimed count is a
		// number from the Hub and never drives a loop.
		nums := make([]int, 0, len(g.parts))
		for n := range g.parts {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		v.Complete = len(nums) == v.Parts && v.Parts <= MaxParts
		for _, n := range nums {
			f := g.parts[n]
			v.Files = append(v.Files, f)
			if f.Size == nil {
				v.SizeKnown = false
			} else {
				v.Size = addSat(v.Size, *f.Size)
			}
		}
		if !v.SizeKnown {
			v.Size = 0
		}
		l.Variants = append(l.Variants, v)
	}
	sort.SliceStable(l.Variants, func(i, j int) bool {
		a, b := l.Variants[i], l.Variants[j]
		if a.SizeKnown != b.SizeKnown {
			return a.SizeKnown
		}
		if a.SizeKnown && a.Size != b.Size {
			return a.Size > b.Size
		}
		return a.Files[0].Path < b.Files[0].Path
	})
	uniqueLabels(l.Variants)
	sort.SliceStable(l.Extras, func(i, j int) bool { return l.Extras[i].Path < l.Extras[j].Path })
	return l
}

// extraRole says why a .gguf file is not a variant, "" when it is one.
func extraRole(p string) string {
	dir, base := splitPath(strings.ToLower(p))
	switch {
	case strings.Contains(base, "mmproj"):
		return RoleMMProj
	case strings.Contains(base, "imatrix"):
		return RoleIMatrix
	case strings.HasPrefix(base, "mtp"):
		return RoleMTP
	}
	for _, d := range strings.Split(dir, "/") {
		if d == "mtp" {
			return RoleMTP
		}
	}
	return ""
}

// ggufLabel is the label of a GGUF variant: the quant in its file stem,
// else in its folder's name, else the stem.
func ggufLabel(dir, stem string) string {
	if l := Label(stem); l != "" {
		return l
	}
	if dir != "" {
		_, folder := splitPath(dir)
		if l := Label(folder); l != "" {
			return l
		}
	}
	return stem
}

// ggufStem is a GGUF file's name without its folder, ".gguf" and a split
// suffix.
func ggufStem(p string) string {
	_, base := splitPath(p)
	stem := base[:len(base)-len(".gguf")]
	if m := splitRE().FindStringSubmatch(stem); m != nil {
		return m[1]
	}
	return stem
}

func safeFiles(files []File) []File {
	out := files[:0:0]
	for _, f := range files {
		if SafePath(f.Path) {
			out = append(out, f)
		}
	}
	return out
}

// dtypeLabel is the dtype with the largest parameter count ("BF16"), or
// "safetensors" when none is known. Ties go to the name first in order.
func dtypeLabel(params map[string]uint64) string {
	best, n := "", uint64(0)
	for d, c := range params {
		d = strings.ToUpper(d)
		if best == "" || c > n || (c == n && d < best) {
			best, n = d, c
		}
	}
	if best == "" {
		return compat.FormatSafetensors
	}
	return best
}

// stFiles are the safetensors weights a transformers-style loader reads.
type stFiles struct {
	files  []File
	shards map[int]File // by part number, when sharded
	total  int          // part count when sharded, else 0
}

var shardRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^model-([0-9]{5})-of-([0-9]{5})\.safetensors$`) })

// safetensorsFiles picks model.safetensors, else the model-NNNNN-of-MMMMM
// shards, else every .safetensors at the root; consolidated* never.
func safetensorsFiles(files []File) stFiles {
	var single, root []File
	shards := map[int]File{}
	var shardList []File
	total := 0
	for _, f := range files {
		if strings.Contains(f.Path, "/") || !strings.HasSuffix(strings.ToLower(f.Path), ".safetensors") {
			continue
		}
		if strings.HasPrefix(strings.ToLower(f.Path), "consolidated") {
			continue
		}
		root = append(root, f)
		if f.Path == "model.safetensors" {
			single = append(single, f)
		}
		if m := shardRE().FindStringSubmatch(f.Path); m != nil {
			n, _ := strconv.Atoi(m[1])
			t, _ := strconv.Atoi(m[2])
			if n >= 1 && n <= t && (total == 0 || t == total) {
				total = t
				shards[n] = f
				shardList = append(shardList, f)
			}
		}
	}
	switch {
	case len(single) > 0:
		return stFiles{files: single}
	case total > 0:
		return stFiles{files: shardList, shards: shards, total: total}
	}
	return stFiles{files: root}
}

// uniqueLabels makes labels unique (policy section 1): each later variant
// with a label already taken is prefixed with its folder (the safetensors
// variant with "safetensors/"); one with no folder, or in the same folder
// as an earlier variant of that label (a single file and a split of the
// same quant), takes its stem; anything still taken takes its path.
func uniqueLabels(vs []Variant) {
	used := map[string]bool{}
	folders := map[string]map[string]bool{} // label -> folders of the variants that had it
	for i := range vs {
		v := &vs[i]
		label := v.Name
		if used[label] {
			var cands []string
			switch {
			case v.Format != compat.FormatGGUF:
				cands = append(cands, "safetensors/"+label)
			case v.Folder != "" && !folders[label][v.Folder]:
				cands = append(cands, v.Folder+"/"+label)
			default:
				cands = append(cands, ggufStem(v.Files[0].Path))
			}
			cands = append(cands, v.Files[0].Path)
			for _, c := range cands {
				if !used[c] {
					v.Name = c
					break
				}
			}
		}
		if folders[label] == nil {
			folders[label] = map[string]bool{}
		}
		folders[label][v.Folder] = true
		used[v.Name] = true
	}
}

// splitPath splits "a/b/c.gguf" into "a/b" and "c.gguf".
func splitPath(p string) (string, string) {
	dir, base := path.Split(p)
	return strings.TrimSuffix(dir, "/"), base
}

// Facts are what a model's fit is weighed from, as read from the Hub: its
// variants with their sizes and its shape. The context, the workers and
// the machine are the caller's, so that a new context or worker is pure
// arithmetic over the same Facts.
type Facts struct {
	// SHA is the commit the files were listed at.
	SHA string
	// Listing is the repository's variants and extra files.
	Listing Listing
	// Shape is the model's shape, nil when unknown; ShapeUnknown then
	// says why.
	Shape        *Shape
	ShapeUnknown *ShapeUnknown
	// Tensors are the tensor infos of the header the shape came from, nil
	// when not read (policy section 7).
	Tensors *Tensors
	// Downloaded names the files (by path) already in the local Hugging
	// Face cache at SHA.
	Downloaded map[string]bool
}
