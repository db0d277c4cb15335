package httpapi

import "net/http"

// Routes returns the routes h serves, as "METHOD /path/{param}", for the
// tests that compare them with the OpenAPI document. h must come from New.
func Routes(h http.Handler) []string {
	return h.(*server).routes
}
