// Package fit answers "which file should I download, and will it run on
// this machine, at what context?" (FIT_POLICY.md). It is pure arithmetic:
// already-read data in, a result out; no I/O, no network, no processes.
//
// The steps, each usable on its own:
//   - [Variants] groups a repository's files into downloadable variants
//     with exact sizes and quant labels (policy section 1);
//   - [FromGGUF] and [FromConfig] turn a GGUF header or a config.json into
//     a [Shape] (section 2);
//   - [NewEstimate] splits a variant's memory into weights, KV cache,
//     compute buffer and runtime reserve (section 3);
//   - [Machine.Offer], [LevelOf] and [Judge] compare estimates with what
//     the machine offers, pick the best variant per worker and the largest
//     context that fits (section 4), and build the JSON object of
//     section 5 with its warnings.
//
// Byte counts are uint64 and saturate instead of overflowing, so absurd
// shapes give absurd but ordered answers, never a wrapped small number.
// Token counts are int64, as in package compat.
package fit
