# The two commands a fresh machine needs: `make demo` and `make test`.
.PHONY: setup demo test lint bench

setup:
	scripts/setup.sh

demo: setup
	.venv/bin/vitrine demo --serve

test: setup
	.venv/bin/pytest

lint:
	.venv/bin/ruff check src tests
	.venv/bin/mypy

bench:
	.venv/bin/vitrine bench vectors
	.venv/bin/vitrine bench pipeline
	.venv/bin/vitrine bench quality
