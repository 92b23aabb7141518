"""pos2.hydraulics"""
