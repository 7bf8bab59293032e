// Package cache is part of modelbrowser.
package cache
