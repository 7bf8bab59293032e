// Package gguf reads the header of a GGUF file. This file is a stub that
// holds only the type package fit shares with the reader; the real package
// replaces it at merge.
package gguf

// Info holds the header keys modelbrowser needs. Zero means absent.
type Info struct {
	Architecture    string   // general.architecture
	BlockCount      uint64   // {arch}.block_count
	ContextLength   uint64   // {arch}.context_length
	EmbeddingLength uint64   // {arch}.embedding_length
	HeadCount       uint64   // {arch}.attention.head_count (max when an array)
	HeadCountKV     []uint64 // {arch}.attention.head_count_kv: one value for all layers, or one per layer
	KeyLength       uint64   // {arch}.attention.key_length
	ValueLength     uint64   // {arch}.attention.value_length
	SlidingWindow   uint64   // {arch}.attention.sliding_window
	SlidingPattern  []bool   // {arch}.attention.sliding_window_pattern when an array of bools (true = sliding)
	VocabSize       uint64   // element count of tokenizer.ggml.tokens
}
