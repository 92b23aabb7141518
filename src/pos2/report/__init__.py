"""pos2.report"""
