-- Governor profile: direction of attainment and progress against national over the school's last
-- published years (better / worse / similar; never across the COVID gap), every year.
SELECT urn, time_period, key_stage, component, measure, value, national_value, relative, years,
       relatives, n_years, change, direction, spans_covid_gap, explanation
FROM trends
WHERE urn = $urn::INTEGER
  AND ($allowed::INTEGER[] IS NULL OR list_contains($allowed::INTEGER[], urn))
ORDER BY key_stage, component, time_period
