"""pos2.economics"""
