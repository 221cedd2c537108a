# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
# Both create (or reuse) .venv and install what is missing; the install step is skipped
# when requirements.txt and pyproject.toml have not changed since the last install.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast release check bench clean-student-data

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/grader demo

# Two test processes (pytest-xdist): grading waits on kernels, sockets and process start-up as much
# as it computes, so a second process fills the gaps (README says what it measured on 2 cores).
# Each test file stays in one process (tests/conftest.py). TEST_WORKERS=0: everything in one process.
TEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS))

test: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# Everything but the end-to-end tests (real grading runs, the browser, the demo): minutes, not half an hour.
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) -m "not e2e" $(PYTEST_ARGS)

release: $(STAMP)
	$(BIN)/grader release

check: $(STAMP)
	$(BIN)/grader check

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Removes every student's submission, grades and feedback from this course directory.
clean-student-data:
	rm -rf submitted feedback grades gradebook.db
	find autograded -mindepth 1 ! -name README.md -exec rm -rf {} +
