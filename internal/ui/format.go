package ui

import (
	"regexp"
	"strings"
)

// quantRe finds a GGUF quantization label in a file name: Q4_K_M, Q8_0,
// IQ3_XS, Q4_0_4_4, TQ1_0, MXFP4, F16, BF16, F32.
var quantRe = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(IQ[1-4]_(?:XXS|XS|S|M|NL)|Q[2-8]_K(?:_[SML])?|Q[4-8]_[01](?:_[48]_[48])?|TQ[12]_0|MXFP4|BF16|FP16|FP32|F16|F32)(?:[^a-z0-9]|$)`)

// quantLabel returns the quantization label in a GGUF file name, upper-cased
// ("model.q4_k_m.gguf" → "Q4_K_M"), or "" when the name carries none.
func quantLabel(name string) string {
	base := name[strings.LastIndexByte(name, '/')+1:]
	m := quantRe.FindStringSubmatch(base)
	if m == nil {
		return ""
	}
	return strings.ToUpper(m[1])
}
