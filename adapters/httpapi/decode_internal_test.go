package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// intakeBody is a typical intake: two parties, a claim, facts of a few
// hundred characters.
var intakeBody = []byte(`{"channel":"walk_in","category":"injury","facts":"` + strings.Repeat("章某某称被朱某某推倒致伤，住院手术花费两万六千元。", 8) + `","location":"mayuan-1",` +
	`"applicants":[{"name":"章某某","sex":"female","age":81,"phone":"13900001111","address":"马园一组"}],` +
	`"respondents":[{"name":"朱某某","sex":"female","age":70,"address":"马园一组"}],` +
	`"claims":[{"description":"赔偿医药费","amount_fen":5000000}],"risks":["petition_threat"]}`)

// BenchmarkDecodeIntake measures what the scan for duplicate and missing
// members adds to decoding a request body: encoding/json alone, and with
// the scan.
func BenchmarkDecodeIntake(b *testing.B) {
	t := reflect.TypeFor[*intakeJSON]()
	for _, bc := range []struct {
		name string
		scan bool
	}{{"encoding/json", false}, {"encoding/json and the scan", true}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var dst intakeJSON
				dec := json.NewDecoder(bytes.NewReader(intakeBody))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&dst); err != nil {
					b.Fatal(err)
				}
				if bc.scan {
					if err := checkMembers(intakeBody, t); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
