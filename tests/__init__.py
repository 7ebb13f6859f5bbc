import pytest

# Helpers in tests/support assert things too (they used to live in conftest.py, which pytest
# rewrites): keep pytest's detailed failure messages for them.
pytest.register_assert_rewrite("tests.support")
