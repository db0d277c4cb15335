// Command quickstart builds the demo township, prints its five-level grid,
// and shows what a handful of posts may do where: the grid policy at work.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fourplusn/fourplusn"
	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/grid/gridtest"
)

func main() {
	d := gridtest.Gucheng()
	printTree(os.Stdout, d.Tree)
	fmt.Println()
	printPermissions(os.Stdout, d, grid.DefaultPolicy())
}

// printTree prints each township and its cells, indented by level, with the
// level's title.
func printTree(w io.Writer, tree *grid.Tree) {
	titles := tree.Titles()
	for _, root := range tree.Roots() {
		cells, _ := tree.Descendants(root.ID)
		for _, c := range append([]grid.Cell{root}, cells...) {
			fmt.Fprintf(w, "%s%s  [%d级 %s] %s\n", strings.Repeat("  ", int(c.Level()-1)), c.Name, c.Level(), titles.Title(c.Level()), c.ID)
		}
	}
}

// printPermissions asks the policy, for a few posts, whether they may view,
// accept and track a case in a few cells.
func printPermissions(w io.Writer, d *gridtest.Demo, policy *grid.Policy) {
	members := []grid.MemberID{"gc-secretary", "gc-east-head", "mayuan-police", "honggoumiao-security", "mayuan-1-zhang-elder", "lz-secretary"}
	cells := []grid.CellID{"mayuan-1", "honggoumiao-2-tong", "linzhen"}
	actions := []grid.Action{grid.View, grid.Accept, grid.Track}
	for _, id := range members {
		m := d.Member(id)
		fmt.Fprintf(w, "%s (%s):\n", m.Name, describePosts(d.Tree, m.Posts))
		for _, cell := range cells {
			var answers []string
			for _, a := range actions {
				answer := "yes"
				if err := policy.Can(m.Actor(), a, grid.Target{Cell: d.Path(cell)}); err != nil {
					answer = "no (" + fourplusn.ErrorMessage(err) + ")"
				}
				answers = append(answers, fmt.Sprintf("%s: %s", a, answer))
			}
			fmt.Fprintf(w, "  at %s — %s\n", d.Tree.MustCell(cell).Name, strings.Join(answers, "; "))
		}
	}
}

func describePosts(tree *grid.Tree, posts []grid.Post) string {
	var parts []string
	for _, p := range posts {
		parts = append(parts, fmt.Sprintf("%s of %s", p.Role, tree.MustCell(p.Cell.Cell()).Name))
	}
	return strings.Join(parts, ", ")
}
