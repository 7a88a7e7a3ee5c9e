"""Demo data for a first start (``kefu seed-demo``): branches, staff, customers, products, visits,
phone lines and surveys. Built through the other areas' services, so it may import any of them.
"""
