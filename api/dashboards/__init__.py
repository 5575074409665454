"""Committee dashboards: completion and study numbers for every unit, drill-down, exports."""
