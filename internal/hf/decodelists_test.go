package hf

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/stretchr/testify/require"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// hubModelPlain is hubModel with its two lists as the library's own
// types, decoded by reflection: what tagList and siblingNames must match.
type hubModelPlain struct {
	ID           string        `json:"id"`
	ModelID      string        `json:"modelId"`
	Author       shown         `json:"author"`
	SHA          shown         `json:"sha"`
	LastModified shown         `json:"lastModified"`
	Gated        gatedValue    `json:"gated"`
	Downloads    count         `json:"downloads"`
	Likes        count         `json:"likes"`
	Tags         []string      `json:"tags"`
	PipelineTag  shown         `json:"pipeline_tag"`
	LibraryName  string        `json:"library_name"`
	Config       *hubConfig    `json:"config"`
	CardData     card          `json:"cardData"`
	Siblings     *[]hubSibling `json:"siblings"`
	Safetensors  *hubST        `json:"safetensors"`
	GGUF         *hubGGUF      `json:"gguf"`
}

func (p hubModelPlain) model() hubModel {
	var sibs *siblingNames
	if p.Siblings != nil {
		l := siblingNames{}
		for _, s := range *p.Siblings {
			l = append(l, s.RFilename)
		}
		sibs = &l
	}
	return hubModel{ID: p.ID, ModelID: p.ModelID, Author: p.Author, SHA: p.SHA, LastModified: p.LastModified, Gated: p.Gated,
		Downloads: p.Downloads, Likes: p.Likes, Tags: tagList(p.Tags), PipelineTag: p.PipelineTag, LibraryName: p.LibraryName,
		Config: p.Config, CardData: p.CardData, Siblings: sibs, Safetensors: p.Safetensors, GGUF: p.GGUF}
}

// listBodies are models whose tags and siblings take every path of the
// token readers and of the fallback to the library.
func listBodies() []string {
	long := make([]string, 40)
	longSibs := make([]string, 40)
	for i := range long {
		long[i] = fmt.Sprintf("%q", fmt.Sprintf("tag-%d-%s", i, strings.Repeat("x", i*3)))
		longSibs[i] = fmt.Sprintf(`{"rfilename":"dir/%s/model-%05d-of-00040.safetensors"}`, strings.Repeat("d", i*2), i)
	}
	return []string{
		`{"id":"a","tags":[],"siblings":[]}`,
		`{"id":"a","tags":["x",null,"y"],"siblings":[null,{"rfilename":null},{"rfilename":"m.gguf"}]}`,
		`{"id":"a","tags":["x",1]}`, `{"id":"a","tags":["x",{"a":1}]}`, `{"id":"a","tags":[["x"]]}`, `{"id":"a","tags":[true]}`,
		`{"id":"a","tags":"x"}`, `{"id":"a","tags":{}}`, `{"id":"a","tags":null}`, `{"id":"a","tags":7}`,
		`{"id":"a","tags":["x"],"tags":["y","z"]}`, `{"id":"a","tags":["x","y"],"tags":["z"]}`, `{"id":"a","tags":["x"],"tags":null}`,
		`{"id":"a","Tags":["x"],"TAGS":["y"]}`, `{"id":"a","tags":["\u00e9\ud83d\ude00","\ud800","tab\t"]}`, "{\"id\":\"a\",\"tags\":[\"bad\xffutf8\"]}",
		`{"id":"a","tags":[` + strings.Join(long, ",") + `]}`,
		`{"id":"a","siblings":[` + strings.Join(longSibs, ",") + `]}`,
		`{"id":"a","siblings":[{"RFILENAME":"A"},{"rFileName":"B"},{"rfil\u0065name":"C"},{"r_filename":"D"},{"rfilename ":"E"}]}`,
		`{"id":"a","siblings":[{"rfilename":"x","rfilename":"y"},{"rfilename":"x","rfilename":null},{"rfilename":"x","RFilename":""}]}`,
		`{"id":"a","siblings":[{"size":1,"rfilename":"x","blob":{"a":[1,{"b":null}]},"lfs":null}]}`,
		`{"id":"a","siblings":[{"rfilename":1}]}`, `{"id":"a","siblings":[{"rfilename":"ok"},{"rfilename":[]}]}`,
		`{"id":"a","siblings":[{"RFILENAME":{}}]}`, `{"id":"a","siblings":[{"rfilename":true}]}`,
		`{"id":"a","siblings":[1]}`, `{"id":"a","siblings":["x"]}`, `{"id":"a","siblings":[[]]}`, `{"id":"a","siblings":[{},false]}`,
		`{"id":"a","siblings":{}}`, `{"id":"a","siblings":"x"}`, `{"id":"a","siblings":null}`,
		`{"id":"a","siblings":[{"rfilename":"x"}],"siblings":[{}]}`, `{"id":"a","siblings":[{"rfilename":"x"}],"siblings":[null,{"rfilename":"y"}]}`,
		`{"id":"a","siblings":[{"rfilename":"x"},{"rfilename":"y"}],"siblings":[{"rfilename":"z"}]}`,
		`{"id":"a","siblings":null,"siblings":[{"rfilename":"x"}]}`, `{"id":"a","siblings":[],"siblings":[{"rfilename":"x"}]}`,
		`{"id":"a","Siblings":[{"rfilename":"x"}]}`,
		"{\"id\":\"a\",\"siblings\":[{\"rfilename\":\"bad\xffutf8\"},{\"rfilename\":\"q\\\"uote\\\\\"},{\"rfilename\":\"" + strings.Repeat("é", 40) + "\"}]}",
		`{"id":"a","siblings":[{"rfilename":"x"}],"tags":[1],"downloads":"x"}`,
		`{"id":"a","tags":["ok"],"siblings":[{"rfilename":2}],"gguf":{"total":"x"}}`,
	}
}

// The token readers of tags and siblings read what the library reads by
// reflection: the same facts, the same drops, the same error.
func TestListReadersMatchLibrary(t *testing.T) {
	bodies := listBodies()
	for _, b := range decodeBodies(t) {
		bodies = append(bodies, string(b))
	}
	for _, body := range bodies {
		var w hubModel
		var p hubModelPlain
		err := json.Unmarshal([]byte(body), &w, decodeOptions)
		perr := json.Unmarshal([]byte(body), &p, decodeOptions)
		require.Equal(t, perr == nil, err == nil, "%s: %v vs library %v", body, err, perr)
		if err != nil {
			require.Equal(t, semanticReason(perr), semanticReason(err), body)
			continue
		}
		pm := p.model()
		want, wdrops, werr := pm.raw()
		got, drops, gerr := w.raw()
		require.Equal(t, werr, gerr, body)
		require.Equal(t, want, got, body)
		require.Equal(t, wdrops, drops, body)
	}
	for _, body := range listBodies() {
		sameAsV1(t, []byte(body))
	}
}

// plainCount reads what compat.CountFromJSON reads, where it reads at all.
func TestPlainCountAsCountFromJSON(t *testing.T) {
	for _, lit := range []string{"0", "7", "4096", "123456789012345678", "999999999999999999", "1234567890123456789",
		"9223372036854775807", "9223372036854775808", "-5", "-0", "1.0", "1e3", "4096.9", "", "1x", "00"} {
		n, ok := plainCount([]byte(lit))
		if !ok {
			continue
		}
		want, wok := compat.CountFromJSON(lit)
		require.True(t, wok, lit)
		require.Equal(t, want, n, lit)
	}
	n, ok := plainCount([]byte("123456789012345678"))
	require.True(t, ok)
	require.EqualValues(t, 123456789012345678, n)
	_, ok = plainCount([]byte("1234567890123456789"))
	require.False(t, ok, "19 digits may overflow: left to CountFromJSON")
}
