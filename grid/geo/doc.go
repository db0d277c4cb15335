// Package geo places the grid on the ground: each cell's boundary, a
// polygon or several in WGS-84 as GeoJSON (RFC 7946) gives them, and an
// index that answers which is the lowest cell containing a point — where a
// case reported with a phone's position, or a partner's request with its
// latitude and longitude, arose.
//
// Chinese web maps (Amap/Gaode, Tencent) draw in GCJ-02, an offset of
// WGS-84 mandated for published maps; a boundary traced on one of them is
// hundreds of metres off unless converted, which [FromGCJ02] does.
//
// A point on a boundary is inside the cell (orb's planar rule), so a point
// on the edge two neighbouring cells share is in both: the index then
// answers the deeper one, and between cells of one level the one whose ID
// sorts first, so that the same point always routes to the same cell.
package geo
