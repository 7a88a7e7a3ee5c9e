"""Service quality (服务质量 · 质检, DOMAIN §8): QA checks of calls against the scripts, and the
call-quality report."""
