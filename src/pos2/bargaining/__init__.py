"""pos2.bargaining"""
