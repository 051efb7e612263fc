"""What the tests share: people, a clock, the API client, the tutorial's steps, table reads, races.

Fixtures live in tests/conftest.py; everything here is plain code that fixtures and tests import.
"""
