package geo

import (
	"math"

	"github.com/paulmach/orb"
)

// The Krasovsky 1940 ellipsoid GCJ-02 is computed on: its semi-major axis
// in metres and its first eccentricity squared.
const (
	krasovskyA  = 6378245.0
	krasovskyE2 = 0.00669342162296594323
)

// inChina reports whether p is in the rectangle where GCJ-02 applies: the
// published algorithm leaves positions outside it as they are.
func inChina(p orb.Point) bool {
	return p.Lon() >= 72.004 && p.Lon() <= 137.8347 && p.Lat() >= 0.8293 && p.Lat() <= 55.8271
}

// ToGCJ02 converts a WGS-84 position to GCJ-02 by the published algorithm
// (known as eviltransform); positions outside China are unchanged.
func ToGCJ02(p orb.Point) orb.Point {
	if !inChina(p) {
		return p
	}
	x, y := p.Lon()-105, p.Lat()-35
	dLat := -100 + 2*x + 3*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x)) +
		(20*math.Sin(6*x*math.Pi)+20*math.Sin(2*x*math.Pi))*2/3 +
		(20*math.Sin(y*math.Pi)+40*math.Sin(y/3*math.Pi))*2/3 +
		(160*math.Sin(y/12*math.Pi)+320*math.Sin(y*math.Pi/30))*2/3
	dLon := 300 + x + 2*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x)) +
		(20*math.Sin(6*x*math.Pi)+20*math.Sin(2*x*math.Pi))*2/3 +
		(20*math.Sin(x*math.Pi)+40*math.Sin(x/3*math.Pi))*2/3 +
		(150*math.Sin(x/12*math.Pi)+300*math.Sin(x/30*math.Pi))*2/3
	rad := p.Lat() / 180 * math.Pi
	magic := 1 - krasovskyE2*math.Sin(rad)*math.Sin(rad)
	sqrtMagic := math.Sqrt(magic)
	dLat = dLat * 180 / ((krasovskyA * (1 - krasovskyE2)) / (magic * sqrtMagic) * math.Pi)
	dLon = dLon * 180 / (krasovskyA / sqrtMagic * math.Cos(rad) * math.Pi)
	return orb.Point{p.Lon() + dLon, p.Lat() + dLat}
}

// FromGCJ02 converts a GCJ-02 position back to WGS-84. The published
// algorithm has no closed inverse, so this iterates: it moves a guess by
// how far its GCJ-02 image misses p until that is below a millimetre,
// which takes a handful of steps since the offset changes slowly.
func FromGCJ02(p orb.Point) orb.Point {
	w := p
	for range 30 {
		g := ToGCJ02(w)
		dLon, dLat := p.Lon()-g.Lon(), p.Lat()-g.Lat()
		w = orb.Point{w.Lon() + dLon, w.Lat() + dLat}
		if math.Abs(dLon) < 1e-9 && math.Abs(dLat) < 1e-9 {
			break
		}
	}
	return w
}
