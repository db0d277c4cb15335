// Package sqltext rewrites the text of SQL statements for the engines
// the project runs on.
package sqltext

import (
	"strconv"
	"strings"
)

// Numbered returns query with each "?" replaced by PostgreSQL's numbered
// placeholder, $1, $2, …, in order. The statements it is given hold no
// "?" but placeholders: no literal, comment or operator of theirs has one.
func Numbered(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r != '?' {
			b.WriteRune(r)
			continue
		}
		n++
		b.WriteString("$" + strconv.Itoa(n))
	}
	return b.String()
}
