package fourplusn

import "unicode/utf8"

// RequireText checks a required text field that people type: present,
// valid UTF-8, and no longer than max characters (runes, so that a limit
// means the same for Chinese text as for Latin). Errors name the field.
func RequireText(field, s string, max int) error {
	switch {
	case s == "":
		return FieldError(field, "required")
	case !utf8.ValidString(s):
		return FieldError(field, "not valid UTF-8 text")
	case utf8.RuneCountInString(s) > max:
		return FieldError(field, "longer than %d characters", max)
	}
	return nil
}

// OptionalText checks a text field that may be empty, as RequireText does
// when it is not.
func OptionalText(field, s string, max int) error {
	if s == "" {
		return nil
	}
	return RequireText(field, s, max)
}
