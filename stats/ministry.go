package stats

import (
	"context"
	"maps"
	"slices"

	"github.com/fourplusn/fourplusn/grid"
	"github.com/fourplusn/fourplusn/mediation"
)

// MinistryType is a dispute type of the Ministry of Justice's statistics of
// people's mediation (人民调解工作统计表), by which a township reports its
// cases upward whatever categories it keeps them in.
type MinistryType string

// The Ministry's dispute types, in the order of its table.
const (
	MinistryFamily      MinistryType = "family"        // 婚姻家庭纠纷
	MinistryNeighbour   MinistryType = "neighbour"     // 邻里纠纷
	MinistryHomestead   MinistryType = "homestead"     // 房屋宅基地纠纷
	MinistryContract    MinistryType = "contract"      // 合同纠纷
	MinistryBusiness    MinistryType = "business"      // 生产经营纠纷
	MinistryDamages     MinistryType = "damages"       // 损害赔偿纠纷
	MinistryLand        MinistryType = "land"          // 山林土地纠纷
	MinistryExpropriate MinistryType = "expropriation" // 征地拆迁纠纷
	MinistryPollution   MinistryType = "pollution"     // 环境污染纠纷
	MinistryLabour      MinistryType = "labour"        // 劳动争议纠纷
	MinistryConsumer    MinistryType = "consumer"      // 消费纠纷
	MinistryMedical     MinistryType = "medical"       // 医疗纠纷
	MinistryTraffic     MinistryType = "traffic"       // 道路交通事故纠纷
	MinistryProperty    MinistryType = "property"      // 物业纠纷
	MinistryOther       MinistryType = "other"         // 其他纠纷
)

// ministryTitles are the types' names as the Ministry's table prints them,
// in its order.
var ministryTitles = []struct {
	t     MinistryType
	title string
}{
	{MinistryFamily, "婚姻家庭纠纷"}, {MinistryNeighbour, "邻里纠纷"}, {MinistryHomestead, "房屋宅基地纠纷"},
	{MinistryContract, "合同纠纷"}, {MinistryBusiness, "生产经营纠纷"}, {MinistryDamages, "损害赔偿纠纷"},
	{MinistryLand, "山林土地纠纷"}, {MinistryExpropriate, "征地拆迁纠纷"}, {MinistryPollution, "环境污染纠纷"},
	{MinistryLabour, "劳动争议纠纷"}, {MinistryConsumer, "消费纠纷"}, {MinistryMedical, "医疗纠纷"},
	{MinistryTraffic, "道路交通事故纠纷"}, {MinistryProperty, "物业纠纷"}, {MinistryOther, "其他纠纷"},
}

// MinistryTypes returns every dispute type in the order of the Ministry's
// table.
func MinistryTypes() []MinistryType {
	out := make([]MinistryType, len(ministryTitles))
	for i, x := range ministryTitles {
		out[i] = x.t
	}
	return out
}

// Title returns the type's name as the Ministry's table prints it, or ""
// for a type it does not have.
func (t MinistryType) Title() string {
	for _, x := range ministryTitles {
		if x.t == t {
			return x.title
		}
	}
	return ""
}

// MinistryMap says which of the Ministry's types each of a township's
// categories reports under. It is the one place the mapping lives: a
// township that keeps other categories, or reads its own differently
// (tenancy as 物业 rather than 合同, say), adjusts it and passes it in
// Config.Ministry.
type MinistryMap map[mediation.Category]MinistryType

// DefaultMinistryMap maps the default categories: debts and tenancies are
// contracts, injuries are claims for damages, and homestead disputes are
// the Ministry's 房屋宅基地 — land contracted for farming is 山林土地, which
// a township whose homestead cases are mostly of that kind may choose.
func DefaultMinistryMap() MinistryMap {
	return MinistryMap{
		mediation.Family: MinistryFamily, mediation.Neighbour: MinistryNeighbour, mediation.Homestead: MinistryHomestead,
		mediation.Debt: MinistryContract, mediation.Tenancy: MinistryContract, mediation.Injury: MinistryDamages,
		mediation.Labour: MinistryLabour, mediation.OtherDispute: MinistryOther,
	}
}

// Validate checks that m maps every category of rules, and each to a type
// of the Ministry's table, naming the first category at fault.
func (m MinistryMap) Validate(rules mediation.Rules) error {
	for _, c := range slices.Sorted(maps.Keys(rules.Categories)) {
		t, ok := m[c]
		switch {
		case !ok:
			return fieldError("ministry", "category %q is not mapped to a type of the Ministry's table", c)
		case t.Title() == "":
			return fieldError("ministry", "category %q is mapped to %q, which is not a type of the Ministry's table", c, t)
		}
	}
	for c, t := range m {
		if t.Title() == "" {
			return fieldError("ministry", "category %q is mapped to %q, which is not a type of the Ministry's table", c, t)
		}
	}
	return nil
}

// typeOf returns the type category c reports under: a category no longer
// mapped (one a township has since dropped) reports as 其他, so that the
// table still counts every case.
func (m MinistryMap) typeOf(c mediation.Category) MinistryType {
	if t, ok := m[c]; ok {
		return t
	}
	return MinistryOther
}

// MinistryRow is one dispute type's line of the Ministry's table: the
// cases whose mediation ended in the period, by how.
type MinistryRow struct {
	Type MinistryType
	// Agreed ended in an agreement (调解成功), Failed in none (调解不成功);
	// Other ended without being mediated to a conclusion (其他): withdrawn,
	// not taken, or handed outside the grid.
	Agreed, Failed, Other int64
}

// Total is the row's cases ended in the period.
func (r MinistryRow) Total() int64 { return r.Agreed + r.Failed + r.Other }

// MinistryTable is the Ministry's table of a subtree for a range: one row
// per type, in the Ministry's order, every type present even when empty.
type MinistryTable struct {
	Range Range
	Rows  []MinistryRow
}

// Total adds up the rows.
func (t MinistryTable) Total() MinistryRow {
	var sum MinistryRow
	for _, r := range t.Rows {
		sum.Agreed, sum.Failed, sum.Other = sum.Agreed+r.Agreed, sum.Failed+r.Failed, sum.Other+r.Other
	}
	return sum
}

// Ministry computes the Ministry's table of q's subtrees over q.Range from
// the outcome counts by category, in one CountAll. q.By and q.Level are
// ignored.
func Ministry(ctx context.Context, src Source, q Query, m MinistryMap) (MinistryTable, error) {
	q.By, q.Level = ByCategory, 0
	if err := q.Validate(); err != nil {
		return MinistryTable{}, err
	}
	outcomes := []Measure{Agreed, Failed, Withdrawn, Rejected, TransferredOut}
	rs := make([]Request, len(outcomes))
	for i, o := range outcomes {
		rs[i] = Request{o, q}
	}
	counts, err := CountAll(ctx, src, rs)
	if err != nil {
		return MinistryTable{}, err
	}
	types := MinistryTypes()
	t := MinistryTable{Range: q.Range, Rows: make([]MinistryRow, len(types))}
	row := make(map[MinistryType]*MinistryRow, len(types))
	for i, ty := range types {
		t.Rows[i].Type = ty
		row[ty] = &t.Rows[i]
	}
	for i, o := range outcomes {
		for _, c := range counts[i] {
			r := row[m.typeOf(mediation.Category(c.Key))]
			switch o {
			case Agreed:
				r.Agreed += c.N
			case Failed:
				r.Failed += c.N
			default:
				r.Other += c.N
			}
		}
	}
	return t, nil
}

// Ministry returns the Ministry's table of cell's subtree over r, by the
// service's MinistryMap. Needs ViewStats at cell.
func (s *Service) Ministry(ctx context.Context, actor grid.Actor, cell grid.CellID, r Range) (MinistryTable, error) {
	q, err := s.scope(ctx, actor, cell, grid.ViewStats)
	if err != nil {
		return MinistryTable{}, err
	}
	q.Range = r
	return Ministry(ctx, s.c.Source, q, s.c.Ministry)
}

// MinistryMap returns a copy of the map by which the service's Ministry
// counts, for a table that shows it.
func (s *Service) MinistryMap() MinistryMap { return maps.Clone(s.c.Ministry) }
