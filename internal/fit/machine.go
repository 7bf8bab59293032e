// Package fit judges whether a model's files fit this machine's memory.
//
// STUB: only the machine types, created on branch gguf for package
// internal/machine; the real package replaces this file at merge.
package fit

// Memory is the memory a device offers, with where the figures came from.
type Memory struct {
	Available *uint64 `json:"available"`
	Total     *uint64 `json:"total"`
	Source    string  `json:"source"`
}

// GPU is one GPU's memory, with where the figures came from.
type GPU struct {
	Name   string  `json:"name"`
	Vendor string  `json:"-"` // "nvidia", "amd", "apple", or "" for a --vram override
	Total  *uint64 `json:"total"`
	Free   uint64  `json:"free"`
	Source string  `json:"source"`
}

// Machine is what this computer offers.
type Machine struct {
	OS   string `json:"-"`
	Arch string `json:"-"`
	CPU  Memory `json:"cpu"`
	GPUs []GPU  `json:"gpus"`
}
