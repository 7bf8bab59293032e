package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/compat"
	"github.com/modelbrowser/modelbrowser/internal/fit"
	"github.com/modelbrowser/modelbrowser/internal/query"
)

// TestMain pins the output once for the package: no colour, dark
// background, so goldens do not depend on the terminal running the tests.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// testNow is the injected clock of every test.
var testNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// model derives a compat.Model from raw Hub data, the way internal/hf does.
func model(r compat.Raw) compat.Model { return compat.Derive(r) }

// fixtureModels are a realistic first page: compatible, with warnings, and
// incompatible for each reason, plus one whose id carries escape sequences.
func fixtureModels() []compat.Model {
	day := 24 * time.Hour
	return []compat.Model{
		model(compat.Raw{ID: "meta-llama/Llama-3.1-8B-Instruct", ConfigModelType: "llama", HasSafetensors: true, SafetensorsTotal: 8030261248,
			HasSiblings: true, Siblings: []string{"config.json", "model-00001-of-00004.safetensors", "original/consolidated.00.pth"},
			Gated: "manual", Downloads: 5_234_112, Likes: 4100, License: "llama3.1", PipelineTag: "text-generation", LibraryName: "transformers",
			LastModified: testNow.Add(-3 * day)}),
		model(compat.Raw{ID: "Qwen/Qwen3-8B", ConfigModelType: "qwen3", HasSafetensors: true, SafetensorsTotal: 8190735360,
			HasSiblings: true, Siblings: []string{"config.json", "model-00001-of-00005.safetensors"},
			Downloads: 1_234_567, Likes: 700, License: "apache-2.0", PipelineTag: "text-generation", LibraryName: "transformers",
			LastModified: testNow.Add(-40 * day)}),
		model(compat.Raw{ID: "bartowski/Qwen2.5-7B-Instruct-GGUF", HasGGUF: true, GGUFArchitecture: "qwen2", GGUFContextLength: 32768, GGUFTotal: 7615616512,
			HasSiblings: true, Siblings: []string{"Qwen2.5-7B-Instruct-Q4_K_M.gguf", "Qwen2.5-7B-Instruct-Q8_0.gguf", "Qwen2.5-7B-Instruct-f16.gguf",
				"Qwen2.5-7B-Instruct-IQ3_XS.gguf", "Qwen2.5-7B-Instruct-bf16.gguf", "README.md"},
			Downloads: 98_765, Likes: 120, License: "apache-2.0", PipelineTag: "text-generation", LastModified: testNow.Add(-2 * time.Hour)}),
		model(compat.Raw{ID: "Qwen/Qwen2-VL-7B-Instruct", ConfigModelType: "qwen2_vl", HasSafetensors: true, SafetensorsTotal: 8291375616,
			HasSiblings: true, Siblings: []string{"model-00001-of-00005.safetensors"}, Downloads: 876_543, Likes: 1100, License: "apache-2.0"}),
		model(compat.Raw{ID: "google/gemma-3-4b-it", ConfigModelType: "gemma3", HasSafetensors: true, SafetensorsTotal: 4300079472,
			HasSiblings: true, Siblings: []string{"model-00001-of-00002.safetensors"}, Gated: "manual", Downloads: 654_321, Likes: 800, License: "gemma"}),
		model(compat.Raw{ID: "TheBloke/Llama-2-7B-AWQ", ConfigModelType: "llama", QuantMethod: "awq", HasSafetensors: true,
			HasSiblings: true, Siblings: []string{"model.safetensors"}, Downloads: 43_210, Likes: 15, License: "llama2"}),
		model(compat.Raw{ID: "microsoft/Phi-3-mini-4k-instruct", ConfigModelType: "phi3", HasSafetensors: true, SafetensorsTotal: 3821079552,
			HasSiblings: true, Siblings: []string{"model-00001-of-00002.safetensors"}, Downloads: 321_000, Likes: 1000, License: "mit"}),
		model(compat.Raw{ID: "openai-community/gpt2", ConfigModelType: "gpt2", HasSafetensors: true, SafetensorsTotal: 137022720,
			HasSiblings: true, Siblings: []string{"model.safetensors", "onnx/decoder_model.onnx"}, Downloads: 12_000_000, Likes: 2500, License: "mit"}),
		model(compat.Raw{ID: "mallory/\x1b]0;pwned\x07tiny-\x1b[2Jllama\u009b2J\u202e", HasGGUF: true, GGUFArchitecture: "llama", GGUFContextLength: 2048,
			GGUFTotal: 1100048384, HasSiblings: true, Siblings: []string{"tiny.Q4_0.gguf"}, Downloads: 999, License: "mit\x07"}),
	}
}

// detailOf is what a fake Searcher.Detail adds: a context length from
// config.json for safetensors repos and more files.
func detailOf(m compat.Model) compat.Model {
	if compat.NeedsConfigJSON(m) {
		ctx := map[string]int64{"meta-llama/Llama-3.1-8B-Instruct": 131072, "Qwen/Qwen3-8B": 40960, "microsoft/Phi-3-mini-4k-instruct": 4096}[m.ID]
		if ctx == 0 {
			ctx = 8192
		}
		m = compat.WithConfigJSON(m, map[string]any{"max_position_embeddings": float64(ctx)})
	}
	m.Files = append(append([]string{}, m.Files...), "generation_config.json", "tokenizer.json")
	return m
}

// genModels makes n varied, realistic models (about two in three
// compatible), for paging tests and the benchmark.
func genModels(start, n int) []compat.Model {
	orgs := []string{"meta-llama", "Qwen", "google", "microsoft", "mistralai", "bartowski", "TheBloke", "unsloth", "lmstudio-community", "NousResearch"}
	kinds := []struct {
		arch  string
		gguf  bool
		quant string
	}{{"llama", false, ""}, {"qwen3", false, ""}, {"qwen2", true, ""}, {"gemma3", false, ""}, {"phi3", false, ""},
		{"mistral", false, ""}, {"llama", true, ""}, {"bert", false, ""}, {"qwen2_vl", false, ""}, {"llama", false, "gptq"}}
	out := make([]compat.Model, n)
	for i := range n {
		k := start + i
		kind := kinds[k%len(kinds)]
		id := fmt.Sprintf("%s/%s-%dB-Instruct-v%d", orgs[k%len(orgs)], kind.arch, 1+k%70, k)
		r := compat.Raw{ID: id, Downloads: int64(10_000_000 / (k + 1)), Likes: int64(k % 3000), License: "apache-2.0",
			PipelineTag: "text-generation", LastModified: testNow.Add(-time.Duration(k) * time.Hour), HasSiblings: true}
		if kind.gguf {
			r.HasGGUF, r.GGUFArchitecture, r.GGUFContextLength, r.GGUFTotal = true, kind.arch, int64(4096<<(k%5)), int64(1+k%70)*1e9
			r.Siblings = []string{id[len(orgs[k%len(orgs)])+1:] + "-Q4_K_M.gguf", "README.md"}
		} else {
			r.ConfigModelType, r.HasSafetensors, r.SafetensorsTotal, r.QuantMethod = kind.arch, true, int64(1+k%70)*1e9, kind.quant
			r.Siblings = []string{"config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"}
		}
		out[i] = model(r)
	}
	return out
}

// fakeSearcher serves pages from memory and records every call. Its
// pages are keyed by token: "" is the first page.
type fakeSearcher struct {
	mu          sync.Mutex
	pages       map[string]query.Page
	searchErr   map[string]error // by token
	detailErr   map[string]error // by model id
	noConfig    map[string]bool  // by model id: config.json gated or missing, the context stays unknown
	searches    []searchCall
	detailCalls []string
	factsErr    map[string]error     // by model id
	facts       map[string]fit.Facts // by model id: instead of factsOf
	factsCalls  []string
	cards       map[string]card.Card // by model id: instead of sampleCard
	cardErr     map[string]error     // by model id
	cardCalls   []string
}

type searchCall struct {
	q       query.Query
	next    string
	refresh bool
}

// newFake serves models in pages of size, linked by tokens "2", "3", ...;
// each page was cached 3 minutes before testNow.
func newFake(models []compat.Model, size int) *fakeSearcher {
	f := &fakeSearcher{pages: map[string]query.Page{}, searchErr: map[string]error{}, detailErr: map[string]error{}, noConfig: map[string]bool{},
		factsErr: map[string]error{}, facts: map[string]fit.Facts{}, cards: map[string]card.Card{}, cardErr: map[string]error{}}
	for i, n := 0, 1; i < len(models) || i == 0; i, n = i+size, n+1 {
		tok := ""
		if n > 1 {
			tok = strconv.Itoa(n)
		}
		p := query.Page{Models: models[i:min(i+size, len(models))], FetchedAt: testNow.Add(-3 * time.Minute), FromCache: true}
		if i+size < len(models) {
			p.Next = strconv.Itoa(n + 1)
		}
		f.pages[tok] = p
		if len(models) == 0 {
			break
		}
	}
	return f
}

func (f *fakeSearcher) Search(_ context.Context, q query.Query, next string, refresh bool) (query.Page, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searches = append(f.searches, searchCall{q, next, refresh})
	if err := f.searchErr[next]; err != nil {
		return query.Page{}, err
	}
	p, ok := f.pages[next]
	if !ok {
		return query.Page{}, errors.New("fake: no page " + next)
	}
	return p, nil
}

func (f *fakeSearcher) Detail(_ context.Context, m compat.Model, _ bool) (compat.Model, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.detailCalls = append(f.detailCalls, m.ID)
	if err := f.detailErr[m.ID]; err != nil {
		return compat.Model{}, err
	}
	if f.noConfig[m.ID] {
		m.Files = append(append([]string{}, m.Files...), "tokenizer.json")
		return m, nil
	}
	return detailOf(m), nil
}

func (f *fakeSearcher) Facts(_ context.Context, m compat.Model) (fit.Facts, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.factsCalls = append(f.factsCalls, m.ID)
	if err := f.factsErr[m.ID]; err != nil {
		return fit.Facts{}, err
	}
	if fs, ok := f.facts[m.ID]; ok {
		return fs, nil
	}
	return factsOf(m), nil
}

func (f *fakeSearcher) Card(_ context.Context, m compat.Model) (card.Card, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cardCalls = append(f.cardCalls, m.ID+"@"+m.SHA)
	if err := f.cardErr[m.ID]; err != nil {
		return card.Card{}, err
	}
	if c, ok := f.cards[m.ID]; ok {
		return c, nil
	}
	return card.Card{Status: card.Found, Text: sampleCard(m.ID)}, nil
}

func (f *fakeSearcher) cardsAsked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.cardCalls...)
}

// sampleCard is a short card of the Hub's shape: front matter, headings,
// a table, a code block, a link and an image.
func sampleCard(id string) string {
	return "---\nlicense: apache-2.0\nbase_model: Qwen/Qwen2.5-7B\nlanguage: [en, zh]\npipeline_tag: text-generation\ndatasets:\n- example/chat-mix\n---\n\n" +
		"# " + id + "\n\n![the logo](https://example.org/logo.png)\n\nA chat model. Read the [technical report](https://example.org/report) first.\n\n" +
		"## Benchmarks\n\n| Benchmark | Score |\n|---|---|\n| MMLU | 74.2 |\n| GSM8K | 85.4 |\n\n" +
		"## Quickstart\n\n```sh\nllama-server -hf " + id + "\n```\n\n" +
		strings.Repeat("More words about the model, its training and its limits.\n\n", 12)
}

func (f *fakeSearcher) factsAsked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.factsCalls...)
}

// ggufSizes are real file sizes of Qwen2.5-7B-Instruct's quants.
var ggufSizes = map[string]uint64{
	"Q4_K_M": 4_683_073_952, "Q8_0": 8_098_525_888, "F16": 15_237_853_632, "BF16": 15_237_853_632, "IQ3_XS": 3_349_163_104,
	"Q4_0": 637_696_000,
}

// qwen25Shape is Qwen2.5-7B's shape as its GGUF header gives it.
var qwen25Shape = fit.Shape{Layers: 28, KVHeads: repeat(4, 28), KeyLength: 128, ValueLength: 128, Sliding: make([]bool, 28),
	Vocab: 152064, Embedding: 3584, Source: fit.SourceGGUF}

func repeat(n uint64, times int) []uint64 {
	out := make([]uint64, times)
	for i := range out {
		out[i] = n
	}
	return out
}

// factsOf is what a fake Searcher.Facts reads for m: its GGUF files with
// the sizes above and the GGUF header's shape, or its safetensors shards
// sized from the parameter count (bf16) with a shape from a llama-like
// config.json.
func factsOf(m compat.Model) fit.Facts {
	var files []fit.File
	var params map[string]uint64
	// The fixtures list the first shard; the Hub lists them all.
	var names []string
	for _, name := range m.Files {
		var n int
		if _, err := fmt.Sscanf(name, "model-00001-of-%05d.safetensors", &n); err == nil {
			for i := 1; i <= n; i++ {
				names = append(names, fmt.Sprintf("model-%05d-of-%05d.safetensors", i, n))
			}
			continue
		}
		names = append(names, name)
	}
	shards := 0
	for _, name := range names {
		if strings.HasSuffix(strings.ToLower(name), ".safetensors") {
			shards++
		}
	}
	for _, name := range names {
		lower := strings.ToLower(name)
		switch {
		case strings.HasSuffix(lower, ".gguf"):
			size, ok := ggufSizes[fit.Label(name)]
			if !ok || strings.Contains(lower, "mmproj") {
				size = 851_000_000 // a projector
			}
			files = append(files, fit.File{Path: name, Size: &size})
		case strings.HasSuffix(lower, ".safetensors") && m.Parameters.Value > 0:
			size := uint64(m.Parameters.Value) * 2 / uint64(shards)
			files = append(files, fit.File{Path: name, Size: &size})
			params = map[string]uint64{"BF16": uint64(m.Parameters.Value)}
		case strings.HasSuffix(lower, ".safetensors"):
			files = append(files, fit.File{Path: name}) // the Hub gave no size
		}
	}
	f := fit.Facts{SHA: "0123456789abcdef0123456789abcdef01234567", Listing: fit.Variants(fit.Repo{Files: files, Parameters: params})}
	if m.Formats.Has(compat.FormatGGUF) {
		s := qwen25Shape
		f.Shape = &s
		// The Q4_K_M file is in the local Hugging Face cache.
		f.Downloaded = map[string]bool{}
		for _, x := range files {
			if fit.Label(x.Path) == "Q4_K_M" {
				f.Downloaded[x.Path] = true
			}
		}
	} else if s, ok := fit.FromConfig(map[string]any{"num_hidden_layers": 32.0, "num_attention_heads": 32.0, "num_key_value_heads": 8.0,
		"hidden_size": 4096.0, "vocab_size": 128256.0}, "llama"); ok == nil {
		f.Shape = &s
	}
	return f
}

// testMachine is a Linux computer with 16 GiB available and no GPU.
func testMachine() fit.Machine {
	avail, total := 16*fit.GiB, 24*fit.GiB
	return fit.Machine{OS: "linux", Arch: "amd64", CPU: fit.Memory{Available: &avail, Total: &total, Source: "/proc/meminfo"}}
}

func (f *fakeSearcher) calls() ([]searchCall, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]searchCall{}, f.searches...), append([]string{}, f.detailCalls...)
}

// newTestModel is the root model over s with the default catalog, the test
// clock, sized w×h. It has not run Init.
func newTestModel(s Searcher, w, h int) Model { return newTestModelWith(s, w, h, nil) }

// newTestModelWith is newTestModel with its options changed by mod.
func newTestModelWith(s Searcher, w, h int, mod func(*Options)) Model {
	opt := Options{Query: query.Query{Text: "llm"}, Catalog: compat.DefaultCatalog(), Searcher: s, Now: clock, PickFormat: "id", Machine: testMachine()}
	if mod != nil {
		mod(&opt)
	}
	m := New(opt)
	m, _ = update(m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// started is newTestModel with its first page in.
func started(t testing.TB, s Searcher, w, h int) Model {
	t.Helper()
	m := newTestModel(s, w, h)
	return run(t, m, m.Init())
}

// startedPaneOnly is started without the list's own context lookups, for
// tests of the detail pane's fetch by itself.
func startedPaneOnly(t testing.TB, s Searcher, w, h int) Model {
	t.Helper()
	m := newTestModel(s, w, h)
	m.list.req.maxLookups = 0
	return run(t, m, m.Init())
}

// firstPageIn is newTestModel with its first page in and nothing else: the
// context lookups that page starts are on their way, unanswered. It returns
// them too.
func firstPageIn(t testing.TB, s Searcher, w, h int) (Model, tea.Cmd) {
	t.Helper()
	m := newTestModel(s, w, h)
	pages := messagesOfType[pageFetchedMsg](m.Init())
	if len(pages) != 1 {
		t.Fatalf("firstPageIn: %d first pages", len(pages))
	}
	return update(m, pages[0])
}

func update(m Model, msg tea.Msg) (Model, tea.Cmd) {
	nm, cmd := m.Update(msg)
	return nm.(Model), cmd
}

// messages runs cmd and the commands of any batch in it, and returns what
// they answer, in order, without feeding anything back. Spinner ticks are
// left out: they only animate, and their follow-ups wait on a timer.
func messages(cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case spinner.TickMsg, nil:
		default:
			out = append(out, msg)
		}
	}
	return out
}

// run feeds cmd's messages back through Update, and theirs, until nothing
// is left: the program's loop, synchronously, without timers.
func run(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	pending := messages(cmd)
	for steps := 0; len(pending) > 0; steps++ {
		if steps > 10_000 {
			t.Fatal("run: the model never settles")
		}
		msg := pending[0]
		pending = pending[1:]
		if _, ok := msg.(tea.QuitMsg); ok {
			continue
		}
		var next tea.Cmd
		m, next = update(m, msg)
		pending = append(pending, messages(next)...)
	}
	return m
}

// press sends keys one by one, running what each one asks for.
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = update(m, keyMsg(k))
		m = run(t, m, cmd)
	}
	return m
}

// keyMsg is the tea.KeyMsg for a key name as bubbles spells it.
func keyMsg(k string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"ctrl+c": tea.KeyCtrlC, "backspace": tea.KeyBackspace, " ": tea.KeySpace, "left": tea.KeyLeft, "right": tea.KeyRight,
		"ctrl+u": tea.KeyCtrlU,
	}
	if t, ok := special[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// quits reports whether cmd asks the program to quit.
func quits(cmd tea.Cmd) bool {
	for _, msg := range messages(cmd) {
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
	}
	return false
}

func selectedID(m Model) string {
	if it := m.list.selected(); it != nil {
		return it.judged.Model.ID
	}
	return ""
}

func compatCatalog() compat.Catalog { return compat.DefaultCatalog() }

// explain is the detail text without a cursor in the fit table.
func explain(st *Styles, it *item, worker string, now time.Time, width int, loading bool) string {
	s, _ := explainWithFit(st, it, worker, now, width, loading, fitPane{cursor: -1})
	return s
}
