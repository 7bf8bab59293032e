// Package ui is part of modelbrowser.
package ui
