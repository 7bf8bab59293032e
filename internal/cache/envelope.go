package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"
)

// The envelope is the on-disk form of one Entry. It is binary, because the
// body is arbitrary bytes and a text header would have to escape strings
// that are not UTF-8; every integer is big-endian or a varint of the
// encoding/binary package:
//
//	magic     4 bytes  "MBCE"
//	version   1 byte   1, or 2 when the entry has an Aux
//	metaLen   uvarint  length of meta
//	meta      metaLen bytes:
//	  fetchedAt  8 bytes Unix seconds (int64) + 4 bytes nanoseconds (< 1e9)
//	  status     varint (zig-zag)
//	  key        uvarint length + bytes
//	  etag       uvarint length + bytes
//	  headers    uvarint count, then name and value (each uvarint length +
//	             bytes) per header, names strictly increasing
//	  aux        version 2 only: uvarint length (not 0) + bytes
//	  bodyLen    uvarint
//	  bodySum    32 bytes, sha256 of the body
//	metaSum   32 bytes, sha256 of everything before it (magic to bodySum)
//	body      bodyLen bytes, then the end of the file
//
// The encoding is canonical: varints must be minimal, header names sorted
// and unique, an aux only in version 2 and never empty there, nothing may
// follow the body. An entry without an Aux is written in version 1, which
// every earlier build reads. So a valid envelope re-encodes
// to the same bytes, and any change to a byte is a checksum mismatch or a
// format error.
const (
	envelopeMagic   = "MBCE"
	envelopeVersion = 1
	// envelopeVersionAux is the version of an envelope with an Aux.
	envelopeVersionAux = 2
	sumLen             = sha256.Size
)

// ErrCorrupt is wrapped by the DecodeEnvelope errors for bytes that are not
// a complete, intact envelope: garbage, empty, truncated, trailing bytes or
// a checksum mismatch.
var ErrCorrupt = errors.New("cache: corrupt entry")

// ErrVersion is wrapped by the DecodeEnvelope error for an envelope written
// in a format version this build does not know (for example by a newer
// modelbrowser sharing the directory).
var ErrVersion = errors.New("cache: unsupported entry format version")

// EncodeEnvelope returns the on-disk form of e. FetchedAt keeps nanosecond
// precision but not its location or monotonic clock reading; an empty Header
// or Body is stored as absent.
func EncodeEnvelope(e Entry) []byte {
	names := make([]string, 0, len(e.Header))
	metaSize := 12 + binary.MaxVarintLen64 + 3*binary.MaxVarintLen64 + len(e.Key) + len(e.ETag) + sumLen
	for name, value := range e.Header {
		names = append(names, name)
		metaSize += 2*binary.MaxVarintLen64 + len(name) + len(value)
	}
	slices.Sort(names)

	// The metadata but the aux, which is copied once, straight into the
	// envelope: a list page's is 80 KB.
	meta := make([]byte, 0, metaSize)
	meta = binary.BigEndian.AppendUint64(meta, uint64(e.FetchedAt.Unix()))
	meta = binary.BigEndian.AppendUint32(meta, uint32(e.FetchedAt.Nanosecond()))
	meta = binary.AppendVarint(meta, int64(e.Status))
	meta = appendString(meta, e.Key)
	meta = appendString(meta, e.ETag)
	meta = binary.AppendUvarint(meta, uint64(len(names)))
	for _, name := range names {
		meta = appendString(meta, name)
		meta = appendString(meta, e.Header[name])
	}
	head := len(meta)
	meta = binary.AppendUvarint(meta, uint64(len(e.Body)))
	bodySum := e.Sum
	if bodySum == ([sumLen]byte{}) {
		bodySum = sha256.Sum256(e.Body)
	}
	meta = append(meta, bodySum[:]...)
	version, metaLen := byte(envelopeVersion), len(meta)
	if len(e.Aux) > 0 {
		version = envelopeVersionAux
		metaLen += uvarintLen(uint64(len(e.Aux))) + len(e.Aux)
	}

	out := make([]byte, 0, len(envelopeMagic)+1+binary.MaxVarintLen64+metaLen+sumLen+len(e.Body))
	out = append(out, envelopeMagic...)
	out = append(out, version)
	out = binary.AppendUvarint(out, uint64(metaLen))
	out = append(out, meta[:head]...)
	if len(e.Aux) > 0 {
		out = binary.AppendUvarint(out, uint64(len(e.Aux)))
		out = append(out, e.Aux...)
	}
	out = append(out, meta[head:]...)
	metaSum := sha256.Sum256(out)
	out = append(out, metaSum[:]...)
	return append(out, e.Body...)
}

// DecodeEnvelope parses and checks an envelope made by EncodeEnvelope. It
// never panics; any defect is an error wrapping ErrCorrupt or ErrVersion.
// The returned Body shares memory with data.
func DecodeEnvelope(data []byte) (Entry, error) {
	return decodeEnvelope(data, true)
}

// decodeEnvelope is DecodeEnvelope; verify=false skips the two checksum
// comparisons, so the fuzz test can reach the parser behind them.
func decodeEnvelope(data []byte, verify bool) (Entry, error) {
	e, m, err := decodeMeta(data, verify)
	if err != nil {
		return Entry{}, err
	}
	if m.bodyLen != uint64(len(data)-m.bodyStart) {
		return Entry{}, fmt.Errorf("%w: body is %d bytes, want %d", ErrCorrupt, len(data)-m.bodyStart, m.bodyLen)
	}
	if m.bodyLen > 0 {
		e.Body = data[m.bodyStart:len(data):len(data)]
	}
	if verify {
		sum := sha256.Sum256(e.Body)
		if sum != m.bodySum {
			return Entry{}, fmt.Errorf("%w: body checksum mismatch", ErrCorrupt)
		}
		e.Sum = m.bodySum
	}
	return e, nil
}

// envelopeMeta is what the metadata says of the body that follows it.
type envelopeMeta struct {
	bodyStart int // offset of the body in the envelope
	bodyLen   uint64
	bodySum   [sumLen]byte
}

// decodeMeta parses and checks the part of an envelope before the body;
// data may end anywhere after the metadata checksum. The Entry has no Body.
func decodeMeta(data []byte, verify bool) (Entry, envelopeMeta, error) {
	var m envelopeMeta
	if len(data) < len(envelopeMagic)+1 || string(data[:len(envelopeMagic)]) != envelopeMagic {
		return Entry{}, m, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	version := data[len(envelopeMagic)]
	if version != envelopeVersion && version != envelopeVersionAux {
		return Entry{}, m, fmt.Errorf("%w: version %d", ErrVersion, version)
	}
	r := reader{buf: data, off: len(envelopeMagic) + 1}
	metaLen := r.uvarint()
	if r.err != nil || metaLen > uint64(len(data)-r.off) {
		return Entry{}, m, fmt.Errorf("%w: bad meta length", ErrCorrupt)
	}
	metaEnd := r.off + int(metaLen)
	if len(data)-metaEnd < sumLen {
		return Entry{}, m, fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	if verify {
		sum := sha256.Sum256(data[:metaEnd])
		if !bytes.Equal(sum[:], data[metaEnd:metaEnd+sumLen]) {
			return Entry{}, m, fmt.Errorf("%w: metadata checksum mismatch", ErrCorrupt)
		}
	}

	r.buf = data[:metaEnd] // the meta fields may not run past metaLen
	var e Entry
	sec := int64(r.uint64())
	nsec := r.uint32()
	if r.err == nil && nsec >= 1e9 {
		r.fail("bad nanoseconds")
	}
	e.FetchedAt = time.Unix(sec, int64(nsec)).UTC()
	status := r.varint()
	if r.err == nil && int64(int(status)) != status {
		r.fail("status out of range")
	}
	e.Status = int(status)
	e.Key = r.string()
	e.ETag = r.string()
	if n := r.uvarint(); n > 0 && r.err == nil {
		if n > uint64(r.remaining()/2) { // every header takes two bytes at least
			r.fail("bad header count")
		}
		e.Header = make(map[string]string, min(n, 64))
		prev := ""
		for i := uint64(0); i < n && r.err == nil; i++ {
			name, value := r.string(), r.string()
			if i > 0 && name <= prev {
				r.fail("header names not sorted")
			}
			e.Header[name], prev = value, name
		}
	}
	if version == envelopeVersionAux {
		n := r.uvarint()
		if r.err == nil && (n == 0 || n > uint64(r.remaining())) {
			r.fail("bad aux length")
		}
		if aux := r.bytes(int(n)); r.err == nil {
			e.Aux = aux[:len(aux):len(aux)]
		}
	}
	m.bodyLen = r.uvarint()
	copy(m.bodySum[:], r.bytes(sumLen))
	if r.err == nil && r.off != metaEnd {
		r.fail("trailing metadata")
	}
	if r.err != nil {
		return Entry{}, m, r.err
	}
	m.bodyStart = metaEnd + sumLen
	return e, m, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// reader walks buf; after the first error every method returns zero
// values, so decodeEnvelope checks r.err once per group of fields.
type reader struct {
	buf []byte
	off int
	err error
}

func (r *reader) fail(why string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrCorrupt, why)
	}
}

func (r *reader) remaining() int { return len(r.buf) - r.off }

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > r.remaining() {
		r.fail("truncated")
		return nil
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b
}

func (r *reader) uint64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (r *reader) uint32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

// uvarint reads a minimal unsigned varint: a longer encoding of the same
// number would decode to an entry that re-encodes differently.
func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 || n != uvarintLen(v) {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.buf[r.off:])
	zigzag := uint64(v) << 1
	if v < 0 {
		zigzag = ^zigzag
	}
	if n <= 0 || n != uvarintLen(zigzag) {
		r.fail("bad varint")
		return 0
	}
	r.off += n
	return v
}

// uvarintLen is len(binary.AppendUvarint(nil, v)) without the allocation.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err == nil && n > uint64(r.remaining()) {
		r.fail("truncated string")
	}
	return string(r.bytes(int(n)))
}
