-- District boundaries of the LA (GeoJSON text), for the map.
SELECT name, kind, la_code, geojson FROM boundaries
WHERE kind = 'district' AND (la_code = $la_code::INTEGER OR la_code IS NULL)
ORDER BY name
