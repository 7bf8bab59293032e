// Package download holds the data a download of one variant is told in:
// what it will fetch (Plan) and how far it got (Progress). internal/app
// makes and runs plans; internal/ui shows them. Pure data, no I/O, so
// that both can name it without importing each other.
package download

// Plan is what fetching one variant into the Hugging Face cache takes,
// looked at before anything is written.
type Plan struct {
	// Repo is the model id, Label the variant's label, SHA the commit the
	// files are asked at.
	Repo, Label, SHA string
	// Files are the repo-relative paths the variant is made of, in order.
	Files []string
	// Size is the bytes of all of Files; ToFetch those still missing
	// (each blob once, less what an .incomplete already holds).
	Size, ToFetch int64
	// Free is the space available in Root; FreeKnown is false when it
	// cannot be told.
	Free      uint64
	FreeKnown bool
	// Root is the cache root; Path what a worker loads (the first GGUF
	// file's snapshot path, or the snapshot folder of safetensors).
	Root, Path string
	// Complete is true when every file is already there.
	Complete bool
	// Ticket is the planner's own plan, handed back to run it; callers
	// leave it alone.
	Ticket any
}

// Progress is where a running download stands.
type Progress struct {
	// File is the 1-based index of the file being fetched, of Files.
	File, Files int
	Path        string
	// Done and Size are the bytes of this file; TotalDone and TotalSize
	// of the whole download (what was missing when it began).
	Done, Size           int64
	TotalDone, TotalSize int64
	// Waiting is true while another process holds the lock of the file
	// at Path (it is fetching the same blob): nothing moves until it ends.
	Waiting bool
}
