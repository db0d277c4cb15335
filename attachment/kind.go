package attachment

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
)

// Kind is what an attachment is to the record it is attached to.
type Kind uint8

// The kinds of attachment.
const (
	Photo              Kind = iota + 1 // a photo of the place, the damage, the hazard
	Evidence                           // 证据材料: a receipt, a contract, a doctor's report
	IdentityDocument                   // a party's ID card, seen only by those who see personal data
	SignedAgreement                    // the scan of an agreement signed on paper
	ProofOfPerformance                 // 履行凭证: a receipt of payment, a photo of the work done
	Other
	numKinds
)

var kindNames = [...]string{"", "photo", "evidence", "identity_document", "signed_agreement", "proof_of_performance", "other"}

// String returns the kind's stable name.
func (k Kind) String() string {
	if k.Valid() {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k >= Photo && k < numKinds }

// ParseKind reads a kind's stable name, or returns an Invalid error naming
// the field "kind".
func ParseKind(s string) (Kind, error) {
	for k := Photo; k < numKinds; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fourplusn.FieldError("kind", "unknown kind %q", s)
}

// Personal reports whether an attachment of kind k is personal data, which
// only those who may see the parties unmasked may see.
func (k Kind) Personal() bool { return k == IdentityDocument }
