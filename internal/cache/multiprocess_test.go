package cache

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The multi-process test re-executes the test binary as writer and reader
// processes sharing one cache directory.
const (
	helperRole     = "MODELBROWSER_CACHE_HELPER_ROLE"
	helperDir      = "MODELBROWSER_CACHE_HELPER_DIR"
	helperID       = "MODELBROWSER_CACHE_HELPER_ID"
	helperDuration = "MODELBROWSER_CACHE_HELPER_MS"
	resultPrefix   = "HELPER-RESULT "
)

// helperKeys are hammered by every helper; "hot" takes most of the load.
var helperKeys = []string{"hot", "hot", "hot", "hot", "k1", "k2", "k3"}

// helperResult is what one helper process reports.
type helperResult struct {
	Role       string
	Puts       int
	Gets, Hits int
	Invalid    int      // Get hits that were not a written entry
	RawReads   int      // direct reads of an entry file
	RawInvalid int      // direct reads that were neither absent nor intact
	Errors     []string // first few problems, for the failure message
	MemoryOnly bool
}

func (r *helperResult) fail(format string, args ...any) {
	if len(r.Errors) < 5 {
		r.Errors = append(r.Errors, fmt.Sprintf(format, args...))
	}
}

// helperBody is the body writer w puts as its seq-th write of key: a
// "key|w|seq|" prefix, then 1 KB to 256 KB of bytes derived from it, so a
// reader can rebuild the one body a prefix belongs to.
func helperBody(key string, w, seq int) []byte {
	prefix := fmt.Sprintf("%s|%d|%d|", key, w, seq)
	rng := rand.New(rand.NewPCG(uint64(w), uint64(seq)))
	body := make([]byte, len(prefix)+1024+rng.IntN(255<<10))
	copy(body, prefix)
	for i := len(prefix); i < len(body); i += 8 {
		v := rng.Uint64()
		for j := 0; j < 8 && i+j < len(body); j++ {
			body[i+j] = byte(v >> (8 * j))
		}
	}
	return body
}

func bodySum(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// checkHelperEntry tells whether e is exactly an entry some writer put
// under key: its ETag is its body's checksum, and its body is the one its
// prefix names.
func checkHelperEntry(key string, e Entry) error {
	if e.Key != key {
		return fmt.Errorf("key %q under %q", e.Key, key)
	}
	if e.ETag != bodySum(e.Body) {
		return fmt.Errorf("%q: body does not match its checksum", key)
	}
	parts := strings.SplitN(string(e.Body[:min(len(e.Body), 64)]), "|", 4)
	if len(parts) < 4 || parts[0] != key {
		return fmt.Errorf("%q: body prefix %.40q", key, e.Body)
	}
	w, err1 := strconv.Atoi(parts[1])
	seq, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || !bytes.Equal(e.Body, helperBody(key, w, seq)) {
		return fmt.Errorf("%q: body is not the one writer %s wrote as %s", key, parts[1], parts[2])
	}
	return nil
}

// TestHelperProcess is one writer or reader of TestMultiProcess; run alone
// it skips.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(helperRole)
	if role == "" {
		t.Skip("a helper of TestMultiProcess")
	}
	id, _ := strconv.Atoi(os.Getenv(helperID))
	ms, _ := strconv.Atoi(os.Getenv(helperDuration))
	s, err := Open(os.Getenv(helperDir), Options{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	res := helperResult{Role: role}
	rng := rand.New(rand.NewPCG(uint64(id), 1))
	deadline := time.Now().Add(time.Duration(ms) * time.Millisecond)
	for i := 0; time.Now().Before(deadline); i++ {
		key := helperKeys[rng.IntN(len(helperKeys))]
		if role == "writer" {
			body := helperBody(key, id, i)
			if err := s.Put(Entry{Key: key, ETag: bodySum(body), Status: 200, Body: body}); err != nil {
				res.fail("Put: %v", err)
			}
			res.Puts++
			continue
		}
		res.Gets++
		if e, ok := s.Get(key); ok {
			res.Hits++
			if err := checkHelperEntry(key, e); err != nil {
				res.Invalid++
				res.fail("Get: %v", err)
			}
		}
		res.RawReads++
		data, err := os.ReadFile(s.path(key))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			res.RawInvalid++
			res.fail("read: %v", err)
		} else if e, err := DecodeEnvelope(data); err != nil {
			res.RawInvalid++
			res.fail("torn file (%d bytes): %v", len(data), err)
		} else if err := checkHelperEntry(key, e); err != nil {
			res.RawInvalid++
			res.fail("file: %v", err)
		}
	}
	res.MemoryOnly = s.MemoryOnly()
	out, _ := json.Marshal(res)
	fmt.Printf("%s%s\n", resultPrefix, out)
}

func TestMultiProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 8 processes for 1.5 s")
	}
	const writers, readers, duration = 4, 4, 1500 * time.Millisecond
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	type proc struct {
		cmd *exec.Cmd
		out bytes.Buffer
	}
	var procs []*proc
	for i := range writers + readers {
		role := "writer"
		if i >= writers {
			role = "reader"
		}
		p := &proc{cmd: exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")}
		p.cmd.Env = append(os.Environ(),
			helperRole+"="+role, helperDir+"="+dir, helperID+"="+strconv.Itoa(i),
			helperDuration+"="+strconv.Itoa(int(duration/time.Millisecond)))
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		require.NoError(t, p.cmd.Start())
		procs = append(procs, p)
	}

	var total helperResult
	for _, p := range procs {
		err := p.cmd.Wait()
		require.NoError(t, err, "helper failed:\n%s", p.out.String())
		var r helperResult
		found := false
		for sc := bufio.NewScanner(&p.out); sc.Scan(); {
			if line, ok := strings.CutPrefix(sc.Text(), resultPrefix); ok {
				require.NoError(t, json.Unmarshal([]byte(line), &r))
				found = true
			}
		}
		require.True(t, found, "helper printed no result")
		require.Empty(t, r.Errors, "%s", r.Role)
		require.False(t, r.MemoryOnly, "%s gave up on the disk", r.Role)
		total.Puts += r.Puts
		total.Gets += r.Gets
		total.Hits += r.Hits
		total.Invalid += r.Invalid
		total.RawReads += r.RawReads
		total.RawInvalid += r.RawInvalid
	}
	t.Logf("%d puts, %d gets (%d hits), %d raw reads; %d invalid gets, %d invalid raw reads",
		total.Puts, total.Gets, total.Hits, total.RawReads, total.Invalid, total.RawInvalid)
	require.Zero(t, total.Invalid)
	require.Zero(t, total.RawInvalid)
	require.Greater(t, total.Puts, writers*10, "the writers barely wrote: the test proved nothing")
	require.Greater(t, total.Hits, readers*10, "the readers barely read an entry: the test proved nothing")

	for _, name := range dirNames(t, dir) {
		require.True(t, isEntryName(name), "left behind: %s", name)
	}
	s, err := Open(dir, Options{MaxBytes: 1 << 20})
	require.NoError(t, err)
	for _, key := range helperKeys {
		if e, ok := s.Get(key); ok {
			require.NoError(t, checkHelperEntry(key, e))
		}
	}
}
