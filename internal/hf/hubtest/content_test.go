package hubtest_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/hf/hubtest"
)

// TestRealBytes: a RealBytes repo lists the hashes of what it serves
// (lfs.sha256 of an LFS file, the git blob sha1 of another), the storage
// answers Range from the same bytes, and the Corrupt fault flips one.
func TestRealBytes(t *testing.T) {
	eachHub(t, hubtest.Options{NoFixtures: true}, func(t *testing.T, h hub) {
		h.AddRepos(hubtest.GetRepos()...)
		repo, ok := h.Repo("getorg/tiny-safetensors")
		require.True(t, ok)
		_, body := get(t, h, "/api/models/getorg/tiny-safetensors?blobs=true")
		var info struct {
			SHA      string `json:"sha"`
			Siblings []struct {
				RFilename string `json:"rfilename"`
				BlobID    string `json:"blobId"`
				Size      int64  `json:"size"`
				LFS       *struct {
					SHA256 string `json:"sha256"`
				} `json:"lfs"`
			} `json:"siblings"`
		}
		require.NoError(t, json.Unmarshal(body, &info))
		require.Equal(t, repo.SHA, info.SHA)
		seen := 0
		for _, s := range info.Siblings {
			want, err := h.Content("getorg/tiny-safetensors", s.RFilename)
			require.NoError(t, err)
			require.EqualValues(t, len(want), s.Size, s.RFilename)
			if s.LFS != nil {
				sum := sha256.Sum256(want)
				assert.Equal(t, hex.EncodeToString(sum[:]), s.LFS.SHA256, s.RFilename)
				resp, b := get(t, h, "/getorg/tiny-safetensors/resolve/"+repo.SHA+"/"+s.RFilename)
				require.Equal(t, 302, resp.StatusCode)
				loc := resp.Header.Get("Location")
				r2 := open(t, h, loc, "Range", "bytes=100-")
				got := readAll(t, r2)
				require.Equal(t, 206, r2.StatusCode, string(b))
				require.Equal(t, want[100:], got, s.RFilename)
				seen++
				continue
			}
			g := sha1.New()
			fmt.Fprintf(g, "blob %d\x00", len(want))
			g.Write(want)
			assert.Equal(t, hex.EncodeToString(g.Sum(nil)), s.BlobID, s.RFilename)
			resp, got := get(t, h, "/getorg/tiny-safetensors/resolve/"+repo.SHA+"/"+s.RFilename)
			require.Equal(t, 200, resp.StatusCode)
			require.Equal(t, want, got)
		}
		require.Equal(t, 5, seen) // 2 shards, consolidated, .bin, .onnx

		h.Fail(hubtest.Fault{Route: hubtest.RouteFiles, Corrupt: true, Times: 1})
		want, _ := h.Content("getorg/tiny-safetensors", "model-00001-of-00002.safetensors")
		resp, _ := get(t, h, "/getorg/tiny-safetensors/resolve/"+repo.SHA+"/model-00001-of-00002.safetensors")
		got := readAll(t, open(t, h, resp.Header.Get("Location")))
		require.Len(t, got, len(want))
		diff := 0
		for i := range got {
			if got[i] != want[i] {
				diff++
				assert.Equal(t, len(want)/2, i)
			}
		}
		require.Equal(t, 1, diff)
	})
}
