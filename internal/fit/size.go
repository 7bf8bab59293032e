package fit

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/modelbrowser/modelbrowser/internal/text"
)

// Binary units.
const (
	KiB uint64 = 1 << 10
	MiB uint64 = 1 << 20
	GiB uint64 = 1 << 30
	TiB uint64 = 1 << 40
)

// HumanBytes is a size as people read it: GiB with one decimal from 1 GiB
// up ("5.3 GiB"), whole MiB below ("942 MiB").
func HumanBytes(b uint64) string {
	if b < MiB {
		return strconv.FormatUint((b+MiB/2)/MiB, 10) + " MiB" // the policy's unit below 1 GiB
	}
	return text.Bytes(int64(min(b, math.MaxInt64)))
}

// NarrowBytes is [HumanBytes] for a narrow column: "5.3G", "942M".
func NarrowBytes(b uint64) string {
	if b < MiB {
		return strconv.FormatUint((b+MiB/2)/MiB, 10) + "M"
	}
	return text.BytesShort(int64(min(b, math.MaxInt64)))
}

var sizeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+)(?:\.([0-9]+))?([KMGT])(B|IB)?$`) })

// ParseSize reads a memory size as --memory and --vram take it: a number,
// optionally with a fraction, then K, M, G or T and optionally B or iB,
// all powers of 1024 ("16GiB", "8G", "12000MiB", "7.5G", "512K"). Case
// does not matter. A bare number, a negative, zero or a size beyond 2^64-1
// bytes is an error. Fractions of a byte are dropped.
func ParseSize(s string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	m := sizeRE().FindStringSubmatch(t)
	if m == nil {
		switch {
		case strings.HasPrefix(t, "-"):
			return 0, fmt.Errorf("invalid size %q: must not be negative", s)
		case t != "" && strings.Trim(t, "0123456789.") == "":
			return 0, fmt.Errorf("invalid size %q: give a unit, K, M, G or T (for example 16GiB, 8G, 512M)", s)
		}
		return 0, fmt.Errorf("invalid size %q: want a number with K, M, G or T, optionally followed by B or iB (for example 16GiB, 8G, 7.5G)", s)
	}
	unit := map[string]uint64{"K": KiB, "M": MiB, "G": GiB, "T": TiB}[m[3]]
	num := m[1]
	den := "1"
	if m[2] != "" {
		num += m[2]
		den = "1" + strings.Repeat("0", len(m[2]))
	}
	r, ok := new(big.Rat).SetString(num + "/" + den)
	if !ok {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	r.Mul(r, new(big.Rat).SetUint64(unit))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if !q.IsUint64() {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	if q.Sign() == 0 {
		return 0, fmt.Errorf("invalid size %q: must be more than zero", s)
	}
	return q.Uint64(), nil
}

// ParseContext reads a context as --ctx takes it: a whole number of
// tokens, or a whole number followed by k or K for thousands of 1024
// ("32768", "32k"). Zero, negatives and values beyond int64 are errors.
func ParseContext(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	if strings.HasSuffix(t, "k") || strings.HasSuffix(t, "K") {
		mult = 1024
		t = t[:len(t)-1]
	}
	if t == "" || strings.Trim(t, "0123456789") != "" {
		return 0, fmt.Errorf("invalid context %q: want a number of tokens, or a number followed by k (for example 32768 or 32k)", s)
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("invalid context %q: too large", s)
	}
	if n == 0 {
		return 0, fmt.Errorf("invalid context %q: must be more than zero", s)
	}
	return n * mult, nil
}
