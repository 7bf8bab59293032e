package text

import (
	"strconv"
	"strings"
	"time"
)

// Ago says how long before now t was, for a person: "just now", "3 min ago",
// "2 hours ago", "3 days ago", "5 months ago", "2 years ago". A zero t is
// "unknown"; a t after now is "just now".
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	d := now.Sub(t)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit + " ago"
		}
		return strconv.Itoa(n) + " " + unit + "s ago"
	}
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	case d < 365*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month")
	}
	return plural(int(d/(365*24*time.Hour)), "year")
}

// Thousands writes n whole with a comma every three digits (32,768), as
// sentences give token counts and tallies.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// HumanCount shortens a count the way the Hub shows it: 999, 12.3k, 1.2M,
// 3.4B; "?" for a negative count.
func HumanCount(n int64) string {
	switch {
	case n < 0:
		return "?"
	case n < 1000:
		return strconv.FormatInt(n, 10)
	case n < 999_500: // not "1000k"
		return scaled(float64(n)/1e3, "k")
	case n < 999_500_000:
		return scaled(float64(n)/1e6, "M")
	}
	return scaled(float64(n)/1e9, "B")
}

// HumanParams shortens a parameter count: 125K, 494M, 8.0B, 1.5T; "?" when
// unknown (0 or less). The unit is chosen after rounding, so 999,885,952
// reads 1.0B, not 1000M.
func HumanParams(n int64) string {
	switch {
	case n <= 0:
		return "?"
	case n < 999_500:
		return scaled(float64(n)/1e3, "K")
	case n < 999_500_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 0, 64) + "M"
	case n < 999_950_000_000:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + "B"
	}
	return strconv.FormatFloat(float64(n)/1e12, 'f', 1, 64) + "T"
}

// HumanContext shortens a context length in tokens without hiding its
// value: a multiple of 1024 reads as Nk (131072 → 128k), of 1024² as NM
// (1048576 → 1M); any other length is the number itself (8000, 1010000);
// "?" when unknown (0 or less).
func HumanContext(n int64) string {
	const k, m = 1024, 1024 * 1024
	switch {
	case n <= 0:
		return "?"
	case n%m == 0:
		return strconv.FormatInt(n/m, 10) + "M"
	case n%k == 0:
		return strconv.FormatInt(n/k, 10) + "k"
	}
	return strconv.FormatInt(n, 10)
}

// scaled prints one decimal below 100 (1.2M, 12.3k) and none above (123k).
func scaled(v float64, unit string) string {
	if v < 99.95 {
		s := strconv.FormatFloat(v, 'f', 1, 64)
		return strings.TrimSuffix(s, ".0") + unit
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + unit
}

// MaxBytes is the largest size worth a figure: 2^50 bytes, 1 PiB. No file
// or model is that large (the Hub takes files up to 50 GB; the largest
// published weights, a trillion parameters in 16 bits, are about 2 TB, 500
// times below), so a size above it is a hostile number or a sum that
// saturated, and reads as unknown.
const MaxBytes = 1 << 50

// Bytes says a size the way people read it: GiB with one decimal from
// 1 GiB (5.3 GiB), whole MiB below (942 MiB; 1023.6 MiB reads 1.0 GiB),
// whole KiB below that, bytes below 1 KiB; "?" for a negative size or one
// over [MaxBytes]. All units are powers of 1024.
func Bytes(n int64) string {
	num, unit := scaledBytes(n)
	if unit == "" {
		return num
	}
	return num + " " + unit
}

// BytesShort is Bytes for a narrow column: 5.3G, 942M, 12K, 512B.
func BytesShort(n int64) string {
	num, unit := scaledBytes(n)
	if unit == "" || unit == "B" {
		return num + unit
	}
	return num + unit[:1]
}

func scaledBytes(n int64) (string, string) {
	const kib, mib, gib = 1 << 10, 1 << 20, 1 << 30
	switch {
	case n < 0 || n > MaxBytes:
		return "?", ""
	case n < kib:
		return strconv.FormatInt(n, 10), "B"
	case n < mib:
		return strconv.FormatInt((n+kib/2)/kib, 10), "KiB"
	case n < gib:
		if m := (n + mib/2) / mib; m < 1024 {
			return strconv.FormatInt(m, 10), "MiB"
		}
	}
	return strconv.FormatFloat(float64(n)/gib, 'f', 1, 64), "GiB"
}
