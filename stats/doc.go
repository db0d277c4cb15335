// Package stats turns a township's cases and hazards into the figures it
// reports (分类量化管理): how many disputes were screened, accepted, resolved
// and failed, the resolution rate, hazards found and rectified on the spot,
// escalations, first-inquiry compliance, times to accept and to resolve,
// 4+N participation, out-of-jurisdiction cases, sources and channels — by
// period (day, week, month, quarter, year, in Asia/Shanghai), by subtree
// of the grid, by level and by category, with period-over-period (环比) and
// year-over-year (同比) change. It also keeps indicator series a township
// imports from elsewhere (police incident counts, say) and builds the level
// 1–2 heads' tracking view (跟踪问效) of overdue and at-risk work.
//
// Storage answers grouped counts through a [Source], which a SQL adapter
// implements with GROUP BY queries, and a [Batcher] several at once;
// everything on top is pure functions.
// The [Service] checks the grid policy: an actor sees figures only for the
// cells they may view statistics of.
package stats
