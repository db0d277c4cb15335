package fourplusn_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
)

// fieldsOf returns the fields an error names, in order.
func fieldsOf(err error) []string {
	var out []string
	for _, f := range fourplusn.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		add    func(v *fourplusn.Validation)
		code   fourplusn.Code
		fields []string
	}{
		{"nothing wrong", func(v *fourplusn.Validation) { v.Add(nil) }, "", nil},
		{"one field", func(v *fourplusn.Validation) { v.Fail("name", "required") }, fourplusn.Invalid, []string{"name"}},
		{"every field, in order", func(v *fourplusn.Validation) {
			v.Fail("name", "required")
			v.Keep(fourplusn.Text("facts", " ", 10))
			v.Add(fourplusn.FieldError("phone", "not a mobile number"))
		}, fourplusn.Invalid, []string{"name", "facts", "phone"}},
		{"an error of several fields is flattened", func(v *fourplusn.Validation) {
			var inner fourplusn.Validation
			inner.Fail("name", "required")
			inner.Fail("phone", "required")
			v.Under("applicants[0]", inner.Err())
			v.Fail("facts", "required")
		}, fourplusn.Invalid, []string{"applicants[0].name", "applicants[0].phone", "facts"}},
		{"an error that is not Invalid wins", func(v *fourplusn.Validation) {
			v.Fail("name", "required")
			v.Add(fourplusn.Errorf(fourplusn.NotFound, "cell not found"))
		}, fourplusn.NotFound, nil},
		{"an unknown error wins as internal", func(v *fourplusn.Validation) {
			v.Add(errors.New("disk full"))
			v.Fail("name", "required")
		}, fourplusn.Internal, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v fourplusn.Validation
			tc.add(&v)
			err := v.Err()
			assert.Equal(t, tc.code, fourplusn.ErrorCode(err))
			assert.Equal(t, err == nil, v.OK())
			assert.Equal(t, tc.fields, fieldsOf(err))
			if len(tc.fields) > 0 {
				assert.Equal(t, tc.fields[0], fourplusn.ErrorField(err), "the first field is the error's")
			}
		})
	}
}

// TestErrorOfSeveralFields checks how an error listing several fields
// reads, and that WithField places every one of them.
func TestErrorOfSeveralFields(t *testing.T) {
	var v fourplusn.Validation
	v.Fail("name", "required")
	v.Fail("age", "must be between 0 and 150")
	err := v.Err()
	require.ErrorIs(t, err, fourplusn.Invalid)
	assert.Equal(t, "name: required; age: must be between 0 and 150", err.Error())
	assert.Equal(t, "name: required; age: must be between 0 and 150", fourplusn.ErrorMessage(err))

	placed := fourplusn.WithField("respondents[1]", err)
	assert.Equal(t, []string{"respondents[1].name", "respondents[1].age"}, fieldsOf(placed))
	assert.Equal(t, "respondents[1].name", fourplusn.ErrorField(placed))
	assert.Equal(t, []string{"name", "age"}, fieldsOf(err), "WithField leaves the original as it was")
}

func TestErrorFields(t *testing.T) {
	assert.Nil(t, fourplusn.ErrorFields(nil))
	assert.Nil(t, fourplusn.ErrorFields(fourplusn.Errorf(fourplusn.Conflict, "stale")), "only Invalid errors name fields")
	one := fourplusn.FieldError("facts", "required")
	assert.Equal(t, []string{"facts"}, fieldsOf(one))
	assert.Equal(t, []string{""}, fieldsOf(fourplusn.Errorf(fourplusn.Invalid, "a JSON body is required")), "an Invalid error of no field is one problem")
}
