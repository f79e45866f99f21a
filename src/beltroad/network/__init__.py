"""Transport networks built from packages at run time and cached as compact arrays.

Not pure (reads package data, writes the data dir); the routing engines in ``beltroad.engines``
take what this package loads.
"""
