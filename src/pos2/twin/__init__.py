"""The Power of Siberia 2 / 1 twins: route, network, profiles, capacity, calibration."""
