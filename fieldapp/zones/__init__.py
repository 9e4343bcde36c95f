"""Zones: the agency's areas (GeoJSON polygons), the response-time target per zone and priority, which
zone a point lies in, and turning an address into coordinates (a configured geocoder, cached)."""
