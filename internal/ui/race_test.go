package ui

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// A model's details may arrive while the list's filter is matching: the
// filter runs as a tea.Cmd, on another goroutine, and reads each item's
// FilterValue, while Update puts the details in place of the item
// (listModel.replace writes the whole *item). Run with -race: the write
// must not race the filter's read. It does today: replace's `*it = *fresh`
// rewrites it.filter under the filter's feet (the -race run of
// TestE2EDemoPicksAHighlightedVariant finds the same race).
func TestDetailsArrivingWhileFilteringDoNotRace(t *testing.T) {
	m, _ := firstPageIn(t, newFake(fixtureModels(), 50), 120, 40) // the lookups stay unanswered
	it := m.list.all[0]
	fresh := newItem(it.judged.Model, m.catalog)
	fresh.detailed = true
	detail := detailFetchedMsg{seq: m.seq, id: it.judged.Model.ID, item: fresh}

	m = press(t, m, "/")
	m, filter := update(m, keyMsg("l")) // the list answers with its filter command
	require.NotNil(t, filter)

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the program runs commands on their own goroutines
		defer wg.Done()
		messages(filter)
	}()
	m, _ = update(m, detail)
	wg.Wait()
	require.True(t, m.list.byID[it.judged.Model.ID].detailed, "the details were kept")
}
