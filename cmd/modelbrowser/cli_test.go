package main

// The command line itself, through the built binary: every command's
// help, its one-line errors, and completion as bash runs it.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
	"github.com/modelbrowser/modelbrowser/internal/query"
	"github.com/modelbrowser/modelbrowser/internal/ui"
)

// commandPaths lists every command of the tree but the hidden ones, as
// the words after "modelbrowser" ("" for the root), with the command.
func commandPaths() map[string]*cobra.Command {
	out := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		out[strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "modelbrowser"), " ")] = c
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRootCmd(&env{getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd() // as Execute does
	walk(root)
	return out
}

// --help, -h and help CMD print the same help on stdout, exit 0, with the
// command's every flag.
func TestBinaryHelpOfEveryCommand(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	paths := commandPaths()
	for _, want := range []string{"", "search", "check", "workers", "cache", "cache info", "cache clear", "cache prune", "completion", "version", "help"} {
		require.Contains(t, paths, want, "the command %q", want)
	}
	for path, c := range paths {
		t.Run("modelbrowser "+path, func(t *testing.T) {
			words := strings.Fields(path)
			var first string
			for i, args := range [][]string{append(words, "--help"), append(words, "-h"), append([]string{"help"}, words...)} {
				r := b.run(args...)
				require.Equal(t, exitOK, r.code, "%s", r)
				assert.Empty(t, r.stderr, "%s", r)
				requireInert(t, "stdout", r.stdout)
				assert.Contains(t, r.stdout, "Usage:\n  "+c.UseLine(), "%s", r)
				if c.Example != "" {
					assert.Contains(t, r.stdout, "Examples:\n"+c.Example, "%s", r)
				}
				c.LocalFlags().VisitAll(func(f *pflag.Flag) {
					assert.Contains(t, r.stdout, "--"+f.Name, "%s", r)
				})
				if i == 0 {
					first = r.stdout
				} else {
					assert.Equal(t, first, r.stdout, "%s", r)
				}
			}
			if path == "" {
				for _, k := range ui.CheatSheet() {
					assert.Contains(t, first, k.Keys+strings.Repeat(" ", max(1, 9-len([]rune(k.Keys))))+k.Desc)
				}
				for _, v := range []string{"HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "MODELBROWSER_CACHE_DIR", "NO_COLOR"} {
					assert.Contains(t, first, v)
				}
			} else {
				assert.NotContains(t, first, "Keys in the browser", "the keys are the browser's")
			}
		})
	}
	assert.Zero(t, b.hub.Count(hubtest.RouteAny))
}

// An unknown flag and a missing argument, for every command: one line
// naming the command once, pointing at its help, exit 2.
func TestBinaryUsageErrorsOfEveryCommand(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	missing := map[string]struct {
		args []string
		msg  string
	}{
		"":            {[]string{"--sort"}, "flag needs an argument: --sort"},
		"search":      {[]string{"--limit"}, "flag needs an argument: --limit"},
		"check":       {nil, "want exactly one REPO_ID"},
		"get":         {nil, "want exactly one REPO_ID or REPO_ID:LABEL"},
		"local":       {[]string{"now"}, "unexpected argument \"now\""},
		"workers":     {[]string{"--workers"}, "flag needs an argument: --workers"},
		"judge":       {[]string{"--worker"}, "flag needs an argument: --worker"},
		"export":      {nil, "--out FILE is required"},
		"cache":       {nil, "want one of: info, clear, prune"},
		"cache info":  {[]string{"now"}, `unexpected argument "now"`},
		"cache clear": {[]string{"all"}, `unexpected argument "all"`},
		"cache prune": {[]string{"all"}, `unexpected argument "all"`},
		"completion":  {nil, "want one of: bash, zsh, fish, powershell"},
		"version":     {[]string{"now"}, `unexpected argument "now"`},
		"help":        {[]string{"nope"}, `unknown command "nope"`},
	}
	for path := range commandPaths() {
		require.Contains(t, missing, path, "a missing-argument case for %q", path)
	}
	for path, tc := range missing {
		words := strings.Fields(path)
		see := "(see 'modelbrowser " + strings.Join(append(words, "--help')"), " ")
		prefix := "modelbrowser: "
		if path != "" {
			prefix += path + ": "
		}
		unknown := map[string]string{"--bogus": "--bogus", "-x": "-x", "--bogus=1": "--bogus", "-q=1": "-q"}
		for flag, typed := range unknown {
			// The whole line: the flag as typed, the command once, its help.
			r := b.run(append(append([]string{}, words...), flag)...)
			requireOneLineError(t, r)
			assert.Equal(t, prefix+"unknown flag "+typed+" "+see+"\n", r.stderr, "%s", r)
		}
		for _, args := range [][]string{append(append([]string{}, words...), "--bogus"), append(append([]string{}, words...), tc.args...)} {
			r := b.run(args...)
			requireOneLineError(t, r)
			requireInert(t, "stderr", r.stderr)
			assert.True(t, strings.HasPrefix(r.stderr, prefix), "%s", r)
			assert.True(t, strings.HasSuffix(r.stderr, " "+see+"\n"), "%s", r)
			assert.Equal(t, 1, strings.Count(r.stderr, "(see '"), "%s", r)
			assert.NotContains(t, r.stderr, "modelbrowser: modelbrowser", "%s", r)
			if path != "" {
				assert.NotContains(t, r.stderr, words[0]+": "+words[0]+":", "%s", r)
			}
			assert.NotContains(t, r.stderr, "Usage:", "no usage dump: %s", r)
			if args[len(args)-1] == "--bogus" {
				assert.Equal(t, prefix+"unknown flag --bogus "+see+"\n", r.stderr, "%s", r)
			} else {
				assert.Contains(t, r.stderr, tc.msg, "%s", r)
			}
		}
	}
	assert.Zero(t, b.hub.Count(hubtest.RouteAny))
}

// Flags go before or after the positional arguments; "--" ends them.
func TestBinaryFlagsAnywhere(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	before := b.run("check", "--json", "openai-community/gpt2")
	after := b.run("check", "openai-community/gpt2", "--json")
	require.Equal(t, exitNegative, before.code, "%s", before)
	assert.Equal(t, before.stdout, after.stdout)
	assert.True(t, strings.HasPrefix(before.stdout, "{"), "%s", before)
	r := b.run("check", "--", "--json")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "invalid repository id")
}

// version and --version: the same line, with the Go version.
func TestBinaryVersion(t *testing.T) {
	t.Parallel()
	b := newBin(t)
	v := b.run("version")
	require.Equal(t, exitOK, v.code, "%s", v)
	assert.Regexp(t, `^modelbrowser \S+ \(.*go1\.[0-9]+.*\)\n$`, v.stdout)
	flag := b.run("--version")
	require.Equal(t, exitOK, flag.code, "%s", flag)
	assert.Equal(t, v.stdout, flag.stdout)
}

// bashCompletion finds bash and the bash-completion package, which
// cobra's bash script needs (_get_comp_words_by_ref).
func bashCompletion(t *testing.T) (bash, lib string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, p := range []string{"/usr/share/bash-completion/bash_completion", "/etc/bash_completion",
		"/opt/homebrew/etc/profile.d/bash_completion.sh", "/usr/local/etc/profile.d/bash_completion.sh"} {
		if _, err := os.Stat(p); err == nil {
			return bash, p
		}
	}
	t.Skip("the bash-completion package is not installed (cobra's bash script needs it)")
	return "", ""
}

// complete runs bash as a shell completing line at its end: it sources
// the script the binary generates, splits the line into COMP_WORDS as bash
// does (COMP_WORDBREAKS), calls the function `complete -p modelbrowser`
// names and returns COMPREPLY.
func (b *binHarness) complete(t *testing.T, bash, lib, script, line string) []string {
	t.Helper()
	const prog = `
source "$LIB" >/dev/null 2>&1
source "$SCRIPT"
fn=$(complete -p modelbrowser | sed -E 's/.* -F ([^ ]+) .*/\1/')
[ -n "$fn" ] || { echo "no completion function" >&2; exit 3; }
COMP_LINE="$LINE"
COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<<"$(sed -E 's/:/ : /g' <<<"$LINE")"
[[ "$LINE" == *" " ]] && COMP_WORDS+=("")
COMP_WORDS[0]=modelbrowser
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
"$fn" modelbrowser "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`
	ctx, cancel := context.WithTimeout(context.Background(), binTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--norc", "--noprofile", "-c", prog)
	// The completion calls ${words[0]}: "modelbrowser", found on PATH.
	cmd.Env = append(b.env(), "LIB="+lib, "SCRIPT="+script, "LINE="+line, "PATH="+filepath.Dir(binPath)+":/usr/bin:/bin")
	cmd.Dir = b.home
	out, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "bash completing %q: %s", line, stderr)
	var reply []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			reply = append(reply, l)
		}
	}
	return reply
}

// Completion through bash: a command name, a --sort value, a repository
// id from the metadata cache and a REPO: label, and not one request to
// the Hub while completing.
func TestBinaryBashCompletion(t *testing.T) {
	t.Parallel()
	bash, lib := bashCompletion(t)
	b := newBin(t)
	gen := b.run("completion", "bash")
	require.Equal(t, exitOK, gen.code, "%s", gen)
	script := filepath.Join(b.home, "modelbrowser.bash")
	require.NoError(t, os.WriteFile(script, []byte(gen.stdout), 0o600))

	// What check reads stays in the cache: its model info and file sizes.
	r := b.run("check", qwenGGUF, "--memory", "16GiB")
	require.Equal(t, exitOK, r.code, "%s", r)
	r = b.run("check", "openai-community/gpt2")
	require.Equal(t, exitNegative, r.code, "%s", r)
	requests := b.hub.Count(hubtest.RouteAny)

	assert.Equal(t, []string{"search"}, b.complete(t, bash, lib, script, "modelbrowser sea"))
	assert.Subset(t, b.complete(t, bash, lib, script, "modelbrowser "), []string{"cache", "check", "completion", "search", "version", "workers"})
	assert.ElementsMatch(t, query.SortNames(false), b.complete(t, bash, lib, script, "modelbrowser search --sort "))
	assert.Equal(t, []string{"trending"}, b.complete(t, bash, lib, script, "modelbrowser --sort tr"))
	assert.ElementsMatch(t, []string{"info", "clear", "prune"}, b.complete(t, bash, lib, script, "modelbrowser cache "))
	assert.Equal(t, []string{qwenGGUF}, b.complete(t, bash, lib, script, "modelbrowser check Qwen/Qw"))
	assert.ElementsMatch(t, []string{qwenGGUF, "openai-community/gpt2"}, b.complete(t, bash, lib, script, "modelbrowser check --json "))
	// After the colon bash completes the label alone (COMP_WORDBREAKS).
	labels := b.complete(t, bash, lib, script, "modelbrowser check "+qwenGGUF+":")
	assert.Contains(t, labels, "Q4_K_M")
	assert.Contains(t, labels, "Q8_0")
	assert.Equal(t, []string{"Q4_K_M"}, b.complete(t, bash, lib, script, "modelbrowser check "+qwenGGUF+":Q4_K"))
	assert.Empty(t, b.complete(t, bash, lib, script, "modelbrowser check openai-community/gpt2:"), "its files were never listed")
	assert.Contains(t, b.complete(t, bash, lib, script, "modelbrowser check x/y --worker "), "llm-worker-rbee-cpu")

	assert.Equal(t, requests, b.hub.Count(hubtest.RouteAny), "completing sent a request")
}
