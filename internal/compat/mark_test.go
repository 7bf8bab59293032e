package compat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/modelbrowser/modelbrowser/internal/compat"
)

// TestVerdictMark: one mark per verdict on every surface; the fit's own
// warnings never make it, CTX_UNKNOWN does once the context was looked up.
func TestVerdictMark(t *testing.T) {
	w := func(codes ...string) []compat.Message {
		var out []compat.Message
		for _, c := range codes {
			out = append(out, compat.Message{Code: c})
		}
		return out
	}
	tests := map[string]struct {
		v        compat.Verdict
		lookedUp bool
		want     compat.Mark
		words    string
	}{
		"incompatible":                {compat.Verdict{Compatible: false, Warnings: w("GATED")}, true, compat.MarkIncompatible, "✗ incompatible"},
		"compatible":                  {compat.Verdict{Compatible: true}, true, compat.MarkCompatible, "✓ compatible"},
		"gated":                       {compat.Verdict{Compatible: true, Warnings: w(compat.CodeGated)}, false, compat.MarkWarnings, "! compatible, with warnings"},
		"the fit's warnings only":     {compat.Verdict{Compatible: true, Warnings: w("MEM_TOO_BIG", "MEM_TIGHT", "CTX_REQUEST_CAPPED", "CTX_OVER_MODEL")}, true, compat.MarkCompatible, "✓ compatible"},
		"context not looked up yet":   {compat.Verdict{Compatible: true, Warnings: w(compat.CodeCtxUnknown)}, false, compat.MarkCompatible, "✓ compatible"},
		"context unknown, looked up":  {compat.Verdict{Compatible: true, Warnings: w(compat.CodeCtxUnknown)}, true, compat.MarkWarnings, "! compatible, with warnings"},
		"fit's and the verdict's own": {compat.Verdict{Compatible: true, Warnings: w("MEM_TIGHT", compat.CodeCtxExceedsWorker)}, true, compat.MarkWarnings, "! compatible, with warnings"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			m := tt.v.Mark(tt.lookedUp)
			assert.Equal(t, tt.want, m)
			assert.Equal(t, tt.words, m.Words())
		})
	}
	assert.Equal(t, []string{"✓ ok", "! warn", "✗ no"}, []string{compat.MarkCompatible.Short(), compat.MarkWarnings.Short(), compat.MarkIncompatible.Short()})
	assert.Equal(t, []string{"compatible", "warnings", "incompatible"}, []string{compat.MarkCompatible.Word(), compat.MarkWarnings.Word(), compat.MarkIncompatible.Word()})
}
