// Command expandquery prints the expand[] query modelbrowser sends with a
// listing, so bench/compare.sh fetches the same pages with curl.
package main

import (
	"fmt"
	"net/url"

	"github.com/modelbrowser/modelbrowser/internal/hf"
)

func main() {
	q := url.Values{}
	for _, e := range hf.ListExpand {
		q.Add("expand[]", e)
	}
	fmt.Println(q.Encode())
}
