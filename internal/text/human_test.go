package text

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestAgo(t *testing.T) {
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		t    time.Time
		want string
	}{
		"zero":       {time.Time{}, "unknown"},
		"future":     {now.Add(time.Hour), "just now"},
		"seconds":    {now.Add(-30 * time.Second), "just now"},
		"minutes":    {now.Add(-3 * time.Minute), "3 min ago"},
		"one hour":   {now.Add(-61 * time.Minute), "1 hour ago"},
		"hours":      {now.Add(-5 * time.Hour), "5 hours ago"},
		"one day":    {now.Add(-25 * time.Hour), "1 day ago"},
		"days":       {now.Add(-3 * 24 * time.Hour), "3 days ago"},
		"months":     {now.Add(-65 * 24 * time.Hour), "2 months ago"},
		"one year":   {now.Add(-400 * 24 * time.Hour), "1 year ago"},
		"many years": {now.Add(-3 * 366 * 24 * time.Hour), "3 years ago"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, Ago(now, tt.t))
		})
	}
}

func TestHumanNumbers(t *testing.T) {
	counts := map[int64]string{0: "0", 999: "999", 1000: "1k", 12_345: "12.3k", 123_456: "123k", 999_999: "1M",
		1_234_567: "1.2M", 12_000_000: "12M", 3_400_000_000: "3.4B", -1: "?"}
	for n, want := range counts {
		assert.Equal(t, want, HumanCount(n), "HumanCount(%d)", n)
	}
	params := map[int64]string{0: "?", -5: "?", 125_000: "125K", 999_499: "999K", 999_500: "1M", 494_032_768: "494M",
		999_499_999: "999M", 999_885_952: "1.0B", 1_235_814_400: "1.2B", 8_030_261_248: "8.0B", 70_553_706_496: "70.6B",
		999_949_999_999: "999.9B", 999_950_000_000: "1.0T", 1_500_000_000_000: "1.5T"}
	for n, want := range params {
		assert.Equal(t, want, HumanParams(n), "HumanParams(%d)", n)
	}
	contexts := map[int64]string{0: "?", -1: "?", 512: "512", 1000: "1000", 2048: "2k", 4096: "4k", 8000: "8000", 32768: "32k",
		40960: "40k", 131072: "128k", 163840: "160k", 1_048_576: "1M", 1_572_864: "1536k", 1_010_000: "1010000", 10_485_760: "10M"}
	for n, want := range contexts {
		assert.Equal(t, want, HumanContext(n), "HumanContext(%d)", n)
	}
}

func TestBytes(t *testing.T) {
	tests := map[int64][2]string{
		-1:              {"?", "?"},
		0:               {"0 B", "0B"},
		512:             {"512 B", "512B"},
		12 << 10:        {"12 KiB", "12K"},
		942 << 20:       {"942 MiB", "942M"},
		(1 << 30) - 1:   {"1.0 GiB", "1.0G"},
		1023 << 10:      {"1023 KiB", "1023K"},
		1 << 30:         {"1.0 GiB", "1.0G"},
		5690831872:      {"5.3 GiB", "5.3G"},
		2019377696:      {"1.9 GiB", "1.9G"},
		256 * (1 << 30): {"256.0 GiB", "256.0G"},
		// Up to 1 PiB a size has a figure; above it, it is unknown, never
		// "8589934592.0 GiB".
		MaxBytes:      {"1048576.0 GiB", "1048576.0G"},
		MaxBytes + 1:  {"?", "?"},
		math.MaxInt64: {"?", "?"},
	}
	for n, want := range tests {
		assert.Equal(t, want[0], Bytes(n), "Bytes(%d)", n)
		assert.Equal(t, want[1], BytesShort(n), "BytesShort(%d)", n)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 32768: "32,768", 1000000: "1,000,000", -2048: "-2,048"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
