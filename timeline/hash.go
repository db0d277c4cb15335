package timeline

import (
	"encoding/hex"

	"github.com/fourplusn/fourplusn"
)

// Hash is the SHA-256 of an event's canonical encoding; see
// [Event.AppendCanonical]. The zero Hash is the Prev of the first event and
// the Head of an empty [Chain].
type Hash [32]byte

// ParseHash parses the 64 hexadecimal digits of a hash, in either case. Any
// other input is an Invalid error.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) == hex.EncodedLen(len(h)) {
		if _, err := hex.Decode(h[:], []byte(s)); err == nil {
			return h, nil
		}
	}
	// The message quotes neither the input, which may be long, nor its
	// length, which only adds noise to fuzzing.
	return Hash{}, fourplusn.Errorf(fourplusn.Invalid, "not a hash: a hash is 64 hexadecimal digits")
}

// String returns h as 64 lower-case hexadecimal digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is the zero Hash.
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText returns h as 64 lower-case hexadecimal digits.
func (h Hash) MarshalText() ([]byte, error) { return hex.AppendEncode(nil, h[:]), nil }

// UnmarshalText sets h from 64 hexadecimal digits, in either case, as
// [ParseHash] does. On error h is left unchanged.
func (h *Hash) UnmarshalText(text []byte) error {
	parsed, err := ParseHash(string(text))
	if err != nil {
		return err
	}
	*h = parsed
	return nil
}
