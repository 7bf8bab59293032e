// Package hf is modelbrowser's Hugging Face Hub client: it lists and looks
// up models, reads config.json for context lengths, and turns the Hub's JSON
// into compat.Model facts (each with its source) for the verdict engine.
//
// It follows what the Hub really does (docs/hub.md): paging by the
// Link header, expand[] to get every fact of a page in one request, 307
// redirects for renamed repos, 401 for unknown repos asked anonymously,
// RateLimit and Retry-After headers. Errors are *Error values whose Kind the
// UI and CLI explain. The token goes only to the configured endpoint's host
// and never into an error. Answers are cached through the small Cache
// interface with per-kind freshness, stale-if-error and offline modes.
//
// For the fit of a model (FIT_POLICY.md) it also lists a commit's files
// with their sizes (Files, model info with blobs=true), reads config.json
// as an object (ConfigJSON), and reads a GGUF header remotely with bounded
// HTTP Range requests (GGUFInfo), following the Hub's redirect to its file
// storage without the token; all three are cached forever at a commit.
//
// It knows nothing of terminals; internal/hf/hubtest is a fake Hub for
// tests and for trying the binary by hand.
package hf
