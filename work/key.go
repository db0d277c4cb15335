package work

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/fourplusn/fourplusn/grid"
)

// IdempotencyKey makes a retried create return the record the first
// created. Keys are scoped to the actor that sent them, so two actors
// cannot collide; the fingerprint tells a retry from a different request
// under a reused key.
type IdempotencyKey struct {
	Scope       string // the actor's ID
	Key         string // chosen by the client; empty for none
	Fingerprint string // a digest of the request
}

// Fingerprint digests a request so that a reused idempotency key can be
// told from a retry of the same request. v must marshal to JSON, as the
// services' plain input structs do.
func Fingerprint(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("work: fingerprint of %T: %v", v, err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Page sizes for listing cases and hazards.
const (
	DefaultPage = 50
	MaxPage     = 200
)

// Cells finds the grid's cells for the services. The grid's service
// implements it (grid.Service.Cell), as does a fixed tree wrapped for
// tests.
type Cells interface {
	Cell(ctx context.Context, id grid.CellID) (grid.Cell, error)
}
