// Package hf is part of modelbrowser.
package hf
