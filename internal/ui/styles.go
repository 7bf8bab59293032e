package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/modelbrowser/modelbrowser/internal/card"
	"github.com/modelbrowser/modelbrowser/internal/fit"
)

// Styles are every style the TUI draws with, by meaning. They are built once
// by defaultStyles and passed down; nothing allocates a style per frame.
// Meaning never rests on colour alone: verdicts have their own symbols, the
// selected row its own marker.
type Styles struct {
	AppName   lipgloss.Style // "modelbrowser" in the header
	Header    lipgloss.Style // the header's query, sort and state
	Subtle    lipgloss.Style // secondary text
	Columns   lipgloss.Style // the list's column titles
	StatusBar lipgloss.Style // counts and cache state under the list
	ErrorBar  lipgloss.Style // a recoverable error, in the footer
	Spinner   lipgloss.Style
	Prompt    lipgloss.Style // the search and filter prompts
	Selection lipgloss.Style // the search prompt's last query, which typing replaces
	Divider   lipgloss.Style // the line between list and detail

	PaneTitle        lipgloss.Style // the title of a pane without focus
	FocusedPaneTitle lipgloss.Style // the title of the pane with focus

	Row         lipgloss.Style
	SelectedRow lipgloss.Style

	Compatible   lipgloss.Style // ✓
	Warning      lipgloss.Style // !
	Incompatible lipgloss.Style // ✗

	Section lipgloss.Style // a heading in the detail pane
	Label   lipgloss.Style // a fact's name in the detail pane
	Code    lipgloss.Style // a reason or warning code

	Fatal lipgloss.Style // the message of the error screen

	// Card is the look of a rendered model card (dark, light, or plain
	// with NO_COLOR) and CardProfile the colour profile it renders for:
	// those of the renderer the TUI draws with.
	Card        card.Style
	CardProfile termenv.Profile
	// Progress is a download's bar (download.go), drawn at a given
	// percentage (ViewAs, no animation); callers set its Width.
	Progress progress.Model

	Help help.Styles
}

var (
	colAccent       = lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#8B87F8"}
	colSubtle       = lipgloss.AdaptiveColor{Light: "#8A8A8A", Dark: "#7A7A7A"}
	colText         = lipgloss.AdaptiveColor{Light: "#1A1A1A", Dark: "#E4E4E4"}
	colCompatible   = lipgloss.AdaptiveColor{Light: "#15803D", Dark: "#4ADE80"}
	colWarning      = lipgloss.AdaptiveColor{Light: "#B45309", Dark: "#FBBF24"}
	colIncompatible = lipgloss.AdaptiveColor{Light: "#B91C1C", Dark: "#F87171"}
	colErrorBg      = lipgloss.AdaptiveColor{Light: "#FDE2E2", Dark: "#5C1A1A"}
)

// defaultStyles builds the styles on renderer r (the one drawing on the
// TUI's output). With noColor every colour is dropped (NO_COLOR); bold and
// reverse remain, as the convention allows.
func defaultStyles(r *lipgloss.Renderer, noColor bool) Styles {
	c := func(ac lipgloss.AdaptiveColor) lipgloss.TerminalColor {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ac
	}
	ns := r.NewStyle
	s := Styles{
		AppName:   ns().Bold(true).Foreground(c(colAccent)),
		Header:    ns().Foreground(c(colText)),
		Subtle:    ns().Foreground(c(colSubtle)),
		Columns:   ns().Foreground(c(colSubtle)).Bold(true),
		StatusBar: ns().Foreground(c(colSubtle)),
		ErrorBar:  ns().Bold(true).Foreground(c(colIncompatible)).Background(c(colErrorBg)),
		Spinner:   ns().Foreground(c(colAccent)),
		Prompt:    ns().Bold(true).Foreground(c(colAccent)),
		Selection: ns().Reverse(true),
		Divider:   ns().Foreground(c(colSubtle)),

		PaneTitle:        ns().Foreground(c(colSubtle)).Bold(true),
		FocusedPaneTitle: ns().Foreground(c(colAccent)).Bold(true),

		Row:         ns(),
		SelectedRow: ns().Bold(true).Foreground(c(colAccent)),

		Compatible:   ns().Bold(true).Foreground(c(colCompatible)),
		Warning:      ns().Bold(true).Foreground(c(colWarning)),
		Incompatible: ns().Bold(true).Foreground(c(colIncompatible)),

		Section: ns().Bold(true).Foreground(c(colAccent)),
		Label:   ns().Foreground(c(colSubtle)),
		Code:    ns().Foreground(c(colSubtle)),

		Fatal: ns().Bold(true).Foreground(c(colIncompatible)),
	}
	s.Help = help.Styles{
		ShortKey:       ns().Foreground(c(colText)).Bold(true),
		ShortDesc:      ns().Foreground(c(colSubtle)),
		ShortSeparator: ns().Foreground(c(colSubtle)),
		Ellipsis:       ns().Foreground(c(colSubtle)),
		FullKey:        ns().Foreground(c(colText)).Bold(true),
		FullDesc:       ns().Foreground(c(colSubtle)),
		FullSeparator:  ns().Foreground(c(colSubtle)),
	}
	s.Card, s.CardProfile = card.Dark, r.ColorProfile()
	switch {
	case noColor || s.CardProfile == termenv.Ascii:
		// Without colour glamour's dark and light styles lose their
		// headings: the plain one marks them (#).
		s.Card, s.CardProfile = card.Plain, termenv.Ascii
	case !r.HasDarkBackground():
		s.Card = card.Light
	}
	s.Progress = progressBar(r, noColor)
	if noColor {
		s.ErrorBar = ns().Bold(true)
		s.SelectedRow = ns().Bold(true)
	}
	return s
}

// level is the style of a fit level: the verdict colours, fits as
// compatible, tight and offload as a warning, too big as incompatible,
// unknown subtle. The glyph beside it carries the meaning without colour.
func (s *Styles) level(l fit.Level) lipgloss.Style {
	switch l {
	case fit.Fits:
		return s.Compatible
	case fit.Tight, fit.Offload:
		return s.Warning
	case fit.TooBig:
		return s.Incompatible
	}
	return s.Subtle
}

// progressBar is a bar in the accent colour on r's colour profile (not
// stdout's, which may be redirected), without its own percentage.
func progressBar(r *lipgloss.Renderer, noColor bool) progress.Model {
	profile, fill, empty := r.ColorProfile(), colAccent.Light, colSubtle.Light
	if r.HasDarkBackground() {
		fill, empty = colAccent.Dark, colSubtle.Dark
	}
	if noColor {
		profile = termenv.Ascii
	}
	p := progress.New(progress.WithSolidFill(fill), progress.WithoutPercentage(), progress.WithColorProfile(profile))
	p.EmptyColor = empty
	return p
}
