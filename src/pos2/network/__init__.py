"""pos2.network"""
