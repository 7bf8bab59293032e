package main

// Binary tests of get (GET_POLICY.md) against the fake Hub's real-bytes
// repos: the layout byte for byte, what is fetched and what is not,
// resume, verification, the token, disk space, locks and signals.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// newGetBin is a binary harness whose Hub serves the real-bytes repos and
// whose Hugging Face cache is its own.
//
// The get tests are not parallel: their fake Hubs render GGUF headers and
// hash the files (tens of MiB in this test process), which would swell
// the peak RSS TestBinaryEndlessBody reads of its child (os/exec's vfork
// counts the parent's pages). They run first, and their memory goes back
// to the OS after each.
func newGetBin(t *testing.T, opts ...hubtest.Options) (*binHarness, string) {
	t.Helper()
	t.Cleanup(debug.FreeOSMemory)
	o := hubtest.Options{PageSize: 7, GatedTokens: []string{binToken}}
	if len(opts) > 0 {
		o = opts[0]
	}
	b := newBin(t, o)
	b.hub.AddRepos(hubtest.GetRepos()...)
	root := filepath.Join(b.home, "hf")
	b.vars["HF_HUB_CACHE"] = root
	return b, root
}

func repoSHA(t *testing.T, b *binHarness, id string) string {
	r, ok := b.hub.Repo(id)
	require.True(t, ok)
	return r.SHA
}

// filesRequests are the requests the file storage origin got.
func filesRequests(b *binHarness) []hubtest.Request {
	var out []hubtest.Request
	for _, r := range b.hub.Requests() {
		if r.Route == hubtest.RouteFiles {
			out = append(out, r)
		}
	}
	return out
}

func umaskMode() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return 0o666 &^ os.FileMode(m)
}

func TestBinaryGetLayout(t *testing.T) {
	b, root := newGetBin(t)
	const id = "getorg/tiny-GGUF"
	sha := repoSHA(t, b, id)
	r := b.run("get", "hf.co/"+id+":q4_k_m")
	require.Equal(t, 0, r.code, "%s", r)
	repoDir := filepath.Join(root, "models--getorg--tiny-GGUF")
	want := filepath.Join(repoDir, "snapshots", sha, "tiny-Q4_K_M.gguf")
	assert.Equal(t, want+"\n", r.stdout)
	assert.Contains(t, r.stderr, "fetched tiny-Q4_K_M.gguf")
	assert.NotContains(t, r.stderr, "\r")
	assert.NotContains(t, r.stderr, "\x1b")

	content, err := b.hub.Content(id, "tiny-Q4_K_M.gguf")
	require.NoError(t, err)
	link, err := os.Readlink(want)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(link, "../../blobs/"), link)
	etag := strings.TrimPrefix(link, "../../blobs/")
	require.Len(t, etag, 64)
	blob := filepath.Join(repoDir, "blobs", etag)
	got, err := os.ReadFile(blob)
	require.NoError(t, err)
	require.True(t, bytes.Equal(content, got), "blob bytes")
	fi, err := os.Stat(blob)
	require.NoError(t, err)
	assert.Equal(t, umaskMode(), fi.Mode().Perm())
	ref, err := os.ReadFile(filepath.Join(repoDir, "refs", "main"))
	require.NoError(t, err)
	assert.Equal(t, sha, string(ref))
	lock, err := os.Stat(filepath.Join(root, ".locks", "models--getorg--tiny-GGUF", etag+".lock"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o664), lock.Mode().Perm())
	// Nothing else: no .incomplete, nothing at the root but models-- and .locks.
	assert.Equal(t, []string{"blobs/" + etag, "refs/main", "snapshots/" + sha + "/tiny-Q4_K_M.gguf"}, filesUnder(t, repoDir))
	top, _ := os.ReadDir(root)
	var names []string
	for _, e := range top {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{".locks", "models--getorg--tiny-GGUF"}, names)

	// A second get fetches nothing.
	b.hub.ResetRequests()
	r = b.run("get", id+":Q4_K_M")
	require.Equal(t, 0, r.code, "%s", r)
	assert.Equal(t, want+"\n", r.stdout)
	assert.Empty(t, filesRequests(b))
	assert.Empty(t, r.stderr)
}

func TestBinaryGetResumeAfterCut(t *testing.T) {
	b, root := newGetBin(t)
	b.hub.Fail(hubtest.Fault{Route: hubtest.RouteFiles, Truncate: true, Times: 1})
	r := b.run("get", "getorg/tiny-GGUF:Q4_K_M")
	require.Equal(t, 0, r.code, "%s", r)
	reqs := filesRequests(b)
	require.Len(t, reqs, 2)
	assert.Empty(t, reqs[0].Header.Get("Range"))
	assert.Equal(t, "bytes="+strconv.Itoa((3<<20)/2)+"-", reqs[1].Header.Get("Range"))
	content, _ := b.hub.Content("getorg/tiny-GGUF", "tiny-Q4_K_M.gguf")
	got, err := os.ReadFile(strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	require.True(t, bytes.Equal(content, got))
	_ = root
}

func TestBinaryGetCorruptByte(t *testing.T) {
	b, root := newGetBin(t)
	b.hub.Fail(hubtest.Fault{Route: hubtest.RouteFiles, Corrupt: true})
	r := b.run("get", "getorg/tiny-GGUF:Q4_K_M")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "tiny-Q4_K_M.gguf: sha256 mismatch (got ")
	assert.Contains(t, r.stderr, "the download was deleted, run get again")
	repoDir := filepath.Join(root, "models--getorg--tiny-GGUF")
	assert.Empty(t, filesUnder(t, repoDir), "no blob, no .incomplete, no link, no ref")
}

func TestBinaryGetTokenStaysOnTheHub(t *testing.T) {
	b, _ := newGetBin(t)
	r := b.run("get", "getorg/tiny-safetensors")
	require.Equal(t, 0, r.code, "%s", r)
	var hub, files, identity int
	for _, q := range b.hub.Requests() {
		if q.Route == hubtest.RouteFiles {
			files++
			assert.Empty(t, q.Header.Get("Authorization"), q.Path)
		} else {
			hub++
			assert.Equal(t, "Bearer "+binToken, q.Header.Get("Authorization"), q.Path)
		}
		if q.Route == hubtest.RouteFiles {
			assert.Equal(t, "identity", q.Header.Get("Accept-Encoding"), q.Path)
		}
		if q.Route == hubtest.RouteResolve && q.Header.Get("Accept-Encoding") == "identity" {
			identity++
		}
	}
	assert.Equal(t, 2, files, "the two shards came from the storage")
	assert.Equal(t, 9, identity, "each of the 9 files asked of the Hub once")
	assert.Greater(t, hub, 7)
}

func TestBinaryGetSafetensorsAndSplit(t *testing.T) {
	b, root := newGetBin(t)
	sha := repoSHA(t, b, "getorg/tiny-safetensors")
	r := b.run("get", "https://huggingface.co/getorg/tiny-safetensors/tree/main")
	require.Equal(t, 0, r.code, "%s", r)
	snap := filepath.Join(root, "models--getorg--tiny-safetensors", "snapshots", sha)
	assert.Equal(t, snap+"\n", r.stdout)
	var names []string
	ents, _ := os.ReadDir(snap)
	for _, e := range ents {
		names = append(names, e.Name())
		assert.Equal(t, os.ModeSymlink, e.Type(), e.Name())
	}
	assert.Equal(t, []string{"chat_template.jinja", "config.json", "generation_config.json", "merges.txt",
		"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json",
		"tokenizer.json", "tokenizer_config.json"}, names)
	cfg, err := os.ReadFile(filepath.Join(snap, "config.json"))
	require.NoError(t, err)
	want, _ := b.hub.Content("getorg/tiny-safetensors", "config.json")
	assert.Equal(t, want, cfg)

	sha = repoSHA(t, b, "getorg/split-GGUF")
	r = b.run("get", "getorg/split-GGUF:Q8_0")
	require.Equal(t, 0, r.code, "%s", r)
	snap = filepath.Join(root, "models--getorg--split-GGUF", "snapshots", sha)
	assert.Equal(t, filepath.Join(snap, "Q8_0", "split-Q8_0-00001-of-00003.gguf")+"\n", r.stdout)
	for i := 1; i <= 3; i++ {
		p := filepath.Join(snap, "Q8_0", "split-Q8_0-0000"+strconv.Itoa(i)+"-of-00003.gguf")
		link, err := os.Readlink(p)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(link, "../../../blobs/"), link)
		_, err = os.Stat(p)
		assert.NoError(t, err)
	}
}

func TestBinaryGetDryRunJSONOffline(t *testing.T) {
	b, root := newGetBin(t)
	r := b.run("get", "getorg/tiny-GGUF:Q8_0", "--dry-run")
	require.Equal(t, 0, r.code, "%s", r)
	assert.Regexp(t, `^fetch +5 MiB  tiny-Q8_0\.gguf\nto fetch: 5 MiB \(5242880 bytes\); free: [0-9.]+ [KMGT]?i?B in `, r.stdout)
	_, err := os.Stat(root)
	assert.True(t, os.IsNotExist(err), "dry run wrote nothing")
	assert.Empty(t, filesRequests(b))

	r = b.run("get", "getorg/tiny-GGUF:Q8_0", "--json")
	require.Equal(t, 0, r.code, "%s", r)
	var out struct {
		Repo, SHA, Variant, Path string
		Files                    []struct {
			Path   string
			Size   int64
			SHA256 string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	assert.Equal(t, "getorg/tiny-GGUF", out.Repo)
	assert.Equal(t, "Q8_0", out.Variant)
	require.Len(t, out.Files, 1)
	assert.Len(t, out.Files[0].SHA256, 64)

	r = b.run("get", "getorg/tiny-GGUF:Q8_0", "--dry-run", "--json")
	require.Equal(t, 0, r.code, "%s", r)
	var dry map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &dry))
	assert.EqualValues(t, 0, dry["to_fetch"])
	assert.Equal(t, true, dry["files"].([]any)[0].(map[string]any)["present"])

	// Offline: no request, the path from the cache; a variant not there: exit 2.
	b.hub.ResetRequests()
	r = b.run("get", "getorg/tiny-GGUF:Q8_0", "--offline")
	require.Equal(t, 0, r.code, "%s", r)
	assert.Equal(t, out.Path+"\n", r.stdout)
	b.vars["HF_HUB_OFFLINE"] = "1"
	r = b.run("get", "getorg/tiny-GGUF:Q4_K_M")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "offline")
	assert.Empty(t, b.hub.Requests())
}

func TestBinaryGetErrors(t *testing.T) {
	b, _ := newGetBin(t)
	r := b.run("get", "getorg/tiny-GGUF:Q3_K_S")
	requireOneLineError(t, r)
	assert.Contains(t, r.stderr, "has no variant \"Q3_K_S\" (it has Q8_0, Q4_K_M)")
	r = b.run("get")
	assert.Equal(t, 2, r.code)
	r = b.run("get", "no-such/repo")
	requireOneLineError(t, r)
}

// TestBinaryGetDiskSpace: on a 1 MiB tmpfs (a user namespace where the
// machine allows it) a 3 MiB variant is refused before anything is
// written.
func TestBinaryGetDiskSpace(t *testing.T) {
	b, _ := newGetBin(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare: cannot mount a small tmpfs")
	}
	mnt := filepath.Join(b.home, "small")
	require.NoError(t, os.MkdirAll(mnt, 0o755))
	if out, err := exec.Command(unshare, "-r", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs "+mnt).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs in a user namespace here: %v %s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), binTimeout)
	defer cancel()
	root := filepath.Join(mnt, "hub")
	cmd := exec.CommandContext(ctx, unshare, "-r", "-m", "sh", "-c",
		"mount -t tmpfs -o size=1m tmpfs "+mnt+" && \""+binPath+"\" get getorg/tiny-GGUF:Q4_K_M; echo \"rc=$?\"; ls -A "+mnt)
	env := b.env()
	env = append(env, "HF_HUB_CACHE="+root, "PATH=/usr/bin:/bin")
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), errb.String())
	assert.Equal(t, "rc=2\n", out.String(), "exit 2, nothing on stdout, nothing in the tmpfs")
	assert.Regexp(t, `^modelbrowser: not enough disk space in `+root+`: getorg/tiny-GGUF:Q4_K_M needs 3145728 more bytes, \d+ are free\n$`, errb.String())
}

func TestBinaryGetTwoAtOnce(t *testing.T) {
	b, _ := newGetBin(t, hubtest.Options{PageSize: 7, Pace: 4 << 20})
	var wg sync.WaitGroup
	res := make([]binResult, 2)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = b.run("get", "getorg/tiny-GGUF:Q4_K_M")
		}()
	}
	wg.Wait()
	for _, r := range res {
		require.Equal(t, 0, r.code, "%s", r)
	}
	assert.Equal(t, res[0].stdout, res[1].stdout)
	assert.Len(t, filesRequests(b), 1, "the bytes crossed the network once")
	assert.Contains(t, res[0].stderr+res[1].stderr, "waiting for another download of tiny-Q4_K_M.gguf")
}

func TestBinaryGetInterruptAndResume(t *testing.T) {
	for name, sig := range map[string]syscall.Signal{"SIGINT": syscall.SIGINT, "SIGTERM": syscall.SIGTERM} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, root := newGetBin(t, hubtest.Options{PageSize: 7, Pace: 2 << 20})
			ctx, cancel := context.WithTimeout(context.Background(), binTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, binPath, "get", "getorg/tiny-GGUF:Q8_0")
			cmd.Env, cmd.Dir = b.env(), b.home
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			require.NoError(t, cmd.Start())
			blobs := filepath.Join(root, "models--getorg--tiny-GGUF", "blobs")
			var inc string
			require.Eventually(t, func() bool {
				m, _ := filepath.Glob(filepath.Join(blobs, "*.incomplete"))
				if len(m) == 1 {
					if fi, err := os.Stat(m[0]); err == nil && fi.Size() > 1<<20 {
						inc = m[0]
						return true
					}
				}
				return false
			}, 10*time.Second, 20*time.Millisecond)
			require.NoError(t, cmd.Process.Signal(sig))
			err := cmd.Wait()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			want := 130
			if sig == syscall.SIGTERM {
				want = 143
			}
			assert.Equal(t, want, ee.ExitCode(), errb.String())
			assert.Empty(t, out.String())
			fi, err := os.Stat(inc)
			require.NoError(t, err, "the .incomplete is kept")
			kept := fi.Size()
			_, err = os.Stat(filepath.Join(root, "models--getorg--tiny-GGUF", "refs", "main"))
			assert.True(t, os.IsNotExist(err), "no ref to an incomplete snapshot")

			b.hub.ResetRequests()
			r := b.run("get", "getorg/tiny-GGUF:Q8_0")
			require.Equal(t, 0, r.code, "%s", r)
			reqs := filesRequests(b)
			require.Len(t, reqs, 1)
			assert.Equal(t, "bytes="+strconv.FormatInt(kept, 10)+"-", reqs[0].Header.Get("Range"))
			content, _ := b.hub.Content("getorg/tiny-GGUF", "tiny-Q8_0.gguf")
			got, err := os.ReadFile(strings.TrimSpace(r.stdout))
			require.NoError(t, err)
			require.True(t, bytes.Equal(content, got))
		})
	}
}
