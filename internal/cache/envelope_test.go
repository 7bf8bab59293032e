package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	for _, e := range sampleEntries() {
		t.Run(e.Key, func(t *testing.T) {
			env := EncodeEnvelope(e)
			got, err := DecodeEnvelope(env)
			require.NoError(t, err)
			requireSameEntry(t, e, got)
			require.Equal(t, env, EncodeEnvelope(got), "a decoded entry must re-encode to the same bytes")
		})
	}
}

func TestEnvelopeIsDeterministic(t *testing.T) {
	// Map iteration order varies; the encoding must not.
	e := Entry{Key: "k", Header: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4", "e": "5"}}
	first := EncodeEnvelope(e)
	for range 20 {
		require.Equal(t, first, EncodeEnvelope(e))
	}
}

// brokenEnvelopes are the defects a decoder must turn into errors, keyed
// by name, with the sentinel error each must wrap.
func brokenEnvelopes() map[string]struct {
	data []byte
	want error
} {
	valid := EncodeEnvelope(sampleEntries()[1])
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(valid)) }
	return map[string]struct {
		data []byte
		want error
	}{
		"nil":            {nil, ErrCorrupt},
		"empty":          {[]byte{}, ErrCorrupt},
		"garbage":        {[]byte("<html>502 Bad Gateway</html>"), ErrCorrupt},
		"magic only":     {[]byte(envelopeMagic), ErrCorrupt},
		"header only":    {valid[:6], ErrCorrupt},
		"truncated meta": {valid[:40], ErrCorrupt},
		"truncated body": {valid[:len(valid)-1], ErrCorrupt},
		"trailing byte":  {append(bytes.Clone(valid), 0), ErrCorrupt},
		"future version": {mutate(func(b []byte) []byte { b[4] = envelopeVersionAux + 1; return b }), ErrVersion},
		"version zero":   {mutate(func(b []byte) []byte { b[4] = 0; return b }), ErrVersion},
		"body flipped":   {mutate(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), ErrCorrupt},
		"meta flipped":   {mutate(func(b []byte) []byte { b[20] ^= 1; return b }), ErrCorrupt},
		"huge meta len":  {append([]byte("MBCE\x01"), binary.AppendUvarint(nil, 1<<62)...), ErrCorrupt},
		// The version says whether an aux is there: a version 2 entry
		// without one, or a version 1 entry with one, is no entry.
		"version 2, no aux": {mutate(func(b []byte) []byte { b[4] = envelopeVersionAux; return reseal(b) }), ErrCorrupt},
		"version 1 with aux": {func() []byte {
			b := EncodeEnvelope(sampleEntries()[6])
			b[4] = envelopeVersion
			return reseal(b)
		}(), ErrCorrupt},
		"version 2, empty aux": {func() []byte {
			b := EncodeEnvelope(sampleEntries()[1])
			metaLen, w := binary.Uvarint(b[5:])
			// an aux of length 0 before bodyLen: the metadata grows by one byte
			meta := bytes.Clone(b[5+w : 5+w+int(metaLen)])
			tail := meta[len(meta)-sumLen-1:] // bodyLen (one byte here) and bodySum
			meta = append(append(meta[:len(meta)-sumLen-1:len(meta)-sumLen-1], 0), tail...)
			out := append([]byte("MBCE\x02"), binary.AppendUvarint(nil, uint64(len(meta)))...)
			out = append(append(out, meta...), make([]byte, sumLen)...)
			return reseal(append(out, b[5+w+int(metaLen)+sumLen:]...))
		}(), ErrCorrupt},
		"overlong varint": {mutate(func(b []byte) []byte {
			// metaLen in one byte more than needed, checksums made right.
			n, w := binary.Uvarint(b[5:])
			longer := append(bytes.Clone(b[:5]), byte(n)|0x80, byte(n>>7)|0x80, 0)
			return reseal(append(longer, b[5+w:]...))
		}), ErrCorrupt},
	}
}

func TestDecodeEnvelopeRejects(t *testing.T) {
	for name, tc := range brokenEnvelopes() {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeEnvelope(tc.data)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestDecodeEnvelopeRejectsEveryTruncation(t *testing.T) {
	for _, e := range sampleEntries()[:4] {
		env := EncodeEnvelope(e)
		for n := range len(env) {
			_, err := DecodeEnvelope(env[:n])
			require.ErrorIs(t, err, ErrCorrupt, "%q cut to %d of %d bytes", e.Key, n, len(env))
		}
	}
}

func TestDecodeEnvelopeRejectsEveryBitFlip(t *testing.T) {
	env := EncodeEnvelope(sampleEntries()[1])
	for i := range len(env) {
		for bit := range 8 {
			b := bytes.Clone(env)
			b[i] ^= 1 << bit
			_, err := DecodeEnvelope(b)
			require.Error(t, err, "byte %d bit %d flipped", i, bit)
		}
	}
}

// reseal rewrites the two checksums of data, which decodeEnvelope without
// verification accepted, so the result must pass DecodeEnvelope.
func reseal(data []byte) []byte {
	b := bytes.Clone(data)
	metaLen, w := binary.Uvarint(b[5:])
	metaEnd := 5 + w + int(metaLen)
	bodySum := sha256.Sum256(b[metaEnd+sumLen:])
	copy(b[metaEnd-sumLen:metaEnd], bodySum[:])
	metaSum := sha256.Sum256(b[:metaEnd])
	copy(b[metaEnd:], metaSum[:])
	return b
}

func FuzzDecodeEnvelope(f *testing.F) {
	for _, e := range append(sampleEntries()[:5], sampleEntries()[6]) {
		env := EncodeEnvelope(e)
		f.Add(env)
		f.Add(env[:len(env)/2])
	}
	for _, tc := range brokenEnvelopes() {
		f.Add(tc.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := DecodeEnvelope(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrVersion) {
				t.Fatalf("error %v wraps neither ErrCorrupt nor ErrVersion", err)
			}
		} else if !bytes.Equal(EncodeEnvelope(e), data) {
			t.Fatalf("decoded entry re-encodes differently")
		}

		// The checksums stop almost every mutation; look behind them.
		e, err = decodeEnvelope(data, false)
		if err != nil {
			return
		}
		sealed := reseal(data)
		got, err := DecodeEnvelope(sealed)
		if err != nil {
			t.Fatalf("resealed envelope rejected: %v", err)
		}
		requireSameEntry(t, e, got)
		if !bytes.Equal(EncodeEnvelope(got), sealed) {
			t.Fatalf("decoded entry re-encodes differently")
		}
	})
}
