// Package grid models a township's five-level grid (五级网格) and decides who
// may do what where in it.
//
// A county deployment is a forest: each root is a township (level 1, a
// sub-district 办事处) and its cells go down one level at a time to level 5,
// the household cluster or clan. Every cell carries its [Path], the IDs of its
// ancestors at each level, so "is this cell inside that subtree" is one
// comparison, never a walk up the tree or a database query.
//
// Members hold posts: a [Role] in a cell. A post acts only within its cell's
// subtree ("上一级网格可向下级网格兼容": an upper level may do there whatever a
// lower one may), never in another township. What each role may do, and down
// to which level, is the [Policy]: a table a township can adjust, while the
// subtree and township rules, and "level 5 takes part but does not decide",
// stay fixed in code.
//
// Policy.Can answers with nil or a coded error (see package fourplusn), and
// has no storage of its own: callers pass the actor and the target's path.
package grid
