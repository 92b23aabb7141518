"""pos2.web"""
