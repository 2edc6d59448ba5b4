# cvm — build, test and demo. Needs only the Rust toolchain, Python 3.11, gcc/g++ and make (plus
# Python 3.9 and 3.13, from pyenv, for the Python stacks of `make test`; python3.11 stands in for a
# missing one, with a message); everything else (a .venv with pinned packages, the pinned cbindgen,
# one venv per Python stack) is installed here.

PYTHON      ?= python3.11
VENV        := .venv
VPY         := $(VENV)/bin/python
CARGO       ?= cargo
CBINDGEN_VERSION := 0.29.4
CBINDGEN    := .tools/bin/cbindgen
# Where cargo puts release artefacts (follows CARGO_TARGET_DIR when it is set).
RELEASE_DIR := $(or $(CARGO_TARGET_DIR),target)/release
CFLAGS_TEST := -std=c11 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude
CXXFLAGS_TEST := -std=c++17 -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude
STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

ifeq ($(shell command -v $(PYTHON) 2>/dev/null),)
PYTHON := python3
endif

.PHONY: all demo test test-rust test-c test-python test-python-stacks wheel check-header header lib python venv bench bench-python fmt clean clean-stacks FORCE

all: lib python

## The walkthrough on the shipped CDNOW data.
demo: python
	$(VPY) examples/walkthrough.py

## Every test: Rust (unit, integration, doc), the C and C++ programs, Python; the header drift check.
test: check-header test-rust test-c test-python test-python-stacks
	@echo "make test: all suites passed"

$(VENV)/.stamp: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.stamp

lib:
	$(CARGO) build --release -p cvm-ffi

## Build the extension into .venv (editable install of cvm-py/python).
python: $(VENV)/.stamp
	VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/maturin develop --release --quiet -m cvm-py/Cargo.toml > build-maturin.log 2>&1 || (cat build-maturin.log; exit 1)

## Unit and integration tests in release (the grids and simulations are heavy); doc tests
## (one small program each) in the faster-to-compile debug profile.
test-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) test --release -p cvm-core -p cvm-ffi --lib --tests
	$(CARGO) test -p cvm-core --doc

C_TESTS   := $(patsubst tests/c/%.c,build/%,$(wildcard tests/c/test_*.c))
CXX_TESTS := $(patsubst tests/c/%.cpp,build/%_cpp,$(wildcard tests/c/test_*.cpp))

build/test_%: tests/c/test_%.c tests/c/cvm_test.h include/cvm.h lib
	@mkdir -p build
	gcc $(CFLAGS_TEST) $< $(RELEASE_DIR)/libcvm.a $(STATIC_LIBS) -o $@

build/test_%_cpp: tests/c/test_%.cpp tests/c/cvm_test.h include/cvm.h lib
	@mkdir -p build
	g++ $(CXXFLAGS_TEST) $< -L$(RELEASE_DIR) -lcvm -Wl,-rpath,$(abspath $(RELEASE_DIR)) -o $@

## C programs link libcvm.a, C++ programs libcvm.so; all run under AddressSanitizer + UBSan.
test-c: $(C_TESTS) $(CXX_TESTS)
	@set -e; for t in $^; do (cd tests/c && ASAN_OPTIONS=detect_leaks=1 ../../$$t); done

test-python: python
	cd cvm-py && ../$(VPY) -m pytest -q tests --doctest-modules python/cvm

## The abi3 wheel users install (one for every Python >= 3.9), built once into build/wheels/.
WHEEL_DIR     := build/wheels
WHEEL_SOURCES := $(shell find cvm-core/src cvm-py/src cvm-py/python -type f -not -name '*.so' -not -path '*__pycache__*') \
                 Cargo.toml Cargo.lock cvm-core/Cargo.toml cvm-py/Cargo.toml cvm-py/pyproject.toml

$(WHEEL_DIR)/.stamp: $(WHEEL_SOURCES) $(VENV)/.stamp
	rm -rf $(WHEEL_DIR)
	$(VENV)/bin/maturin build --release -m cvm-py/Cargo.toml -o $(WHEEL_DIR) > build-maturin.log 2>&1 || (cat build-maturin.log; exit 1)
	touch $@

wheel: $(WHEEL_DIR)/.stamp

## The Python stacks cvm claims (docs/python-stacks.md): each gets a venv (.venv-stack-<name>) with
## the exact versions of its requirements file and the wheel, and runs the whole suite (tests and
## doctests) against the installed package, never the source tree. Venvs are rebuilt only when
## their requirements file or interpreter changes; the wheel is reinstalled when it is rebuilt.
STACKS := pinned oldest newest
PYENV_ROOT ?= $(or $(shell pyenv root 2>/dev/null),$(HOME)/.pyenv)
# The newest pyenv build of a version (e.g. 3.9 -> $(PYENV_ROOT)/versions/3.9.18/bin/python3.9), else
# one on PATH that runs (a pyenv shim of a version that is not selected does not).
find_python = $(or $(shell ls -d $(PYENV_ROOT)/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -V | tail -n 1),$(shell python$(1) -c '' 2>/dev/null && command -v python$(1)))
STACK_PYTHON_WANT_pinned := 3.11
STACK_PYTHON_WANT_oldest := 3.9
STACK_PYTHON_WANT_newest := 3.13
STACK_PYTHON_FOUND_pinned := $(call find_python,3.11)
STACK_PYTHON_FOUND_oldest := $(call find_python,3.9)
STACK_PYTHON_FOUND_newest := $(call find_python,3.13)
STACK_REQS_pinned := requirements-dev.txt
STACK_REQS_oldest := requirements-stack-oldest.txt
STACK_REQS_newest := requirements-stack-newest.txt
# Falls back to $(PYTHON) (with a message) when the wanted version is missing.
stack_python = $(or $(STACK_PYTHON_FOUND_$(1)),$(PYTHON))

# Keep the stamps (make would delete them as intermediate files).
.PRECIOUS: .venv-stack-%/.stamp .venv-stack-%/.wheel build/stacks/%.python
.SECONDEXPANSION:
# build/stacks/<name>.python names the interpreter of a stack; it changes (and the venv is rebuilt)
# when that interpreter does, e.g. once a missing pyenv Python is installed.
build/stacks/%.python: FORCE
	@mkdir -p $(@D)
	@echo '$(call stack_python,$*)' | cmp -s - $@ || echo '$(call stack_python,$*)' > $@

.venv-stack-%/.stamp: $$(STACK_REQS_$$*) build/stacks/%.python
	@$(if $(STACK_PYTHON_FOUND_$*),,echo "*** Python $(STACK_PYTHON_WANT_$*) not found (pyenv root $(PYENV_ROOT), PATH): the $* stack falls back to $(PYTHON) ($$($(PYTHON) -V))")
	rm -rf .venv-stack-$*
	$(call stack_python,$*) -m venv .venv-stack-$*
	.venv-stack-$*/bin/python -m pip install --quiet --disable-pip-version-check -r $(STACK_REQS_$*)
	touch $@

.venv-stack-%/.wheel: $(WHEEL_DIR)/.stamp .venv-stack-%/.stamp
	.venv-stack-$*/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall $(WHEEL_DIR)/cvm-*.whl
	touch $@

# Warnings that numpy/pandas attribute to cvm's own lines are errors (filterwarnings in
# cvm-py/pyproject.toml); -p no:cacheprovider keeps the runs from writing into the tree.
test-python-stack-%: .venv-stack-%/.wheel
	@$(if $(STACK_PYTHON_FOUND_$*),,echo "*** Python $(STACK_PYTHON_WANT_$*) not found: the $* stack runs on $(PYTHON)")
	@cd cvm-py && pkg=$$(../.venv-stack-$*/bin/python -c 'import cvm, os; print(os.path.dirname(cvm.__file__))') && \
	  ../.venv-stack-$*/bin/python -c 'import sys, numpy, pandas; print("stack $*: Python %s, numpy %s, pandas %s, cvm from %s" % (sys.version.split()[0], numpy.__version__, pandas.__version__, sys.argv[1]))' $$pkg && \
	  case $$pkg in */.venv-stack-$*/*) ;; *) echo "cvm imported from $$pkg, not the venv"; exit 1;; esac && \
	  ../.venv-stack-$*/bin/python -m pytest -q -p no:cacheprovider -c pyproject.toml --rootdir . tests --doctest-modules $$pkg

## The whole Python suite on every stack cvm claims: pinned, oldest (3.9), newest (3.13).
test-python-stacks: $(addprefix test-python-stack-,$(STACKS))

FORCE:

clean-stacks:
	rm -rf $(addprefix .venv-stack-,$(STACKS)) $(WHEEL_DIR) build/stacks

$(CBINDGEN):
	$(CARGO) install cbindgen --version $(CBINDGEN_VERSION) --locked --root .tools --quiet

## Regenerate include/cvm.h from cvm-ffi.
header: $(CBINDGEN)
	$(CBINDGEN) --quiet --config cvm-ffi/cbindgen.toml --crate cvm-ffi --output include/cvm.h cvm-ffi

## Fail when the committed header differs from what the code generates.
check-header: $(CBINDGEN)
	@mkdir -p build
	$(CBINDGEN) --quiet --config cvm-ffi/cbindgen.toml --crate cvm-ffi --output build/cvm.h cvm-ffi
	@diff -u include/cvm.h build/cvm.h || (echo "include/cvm.h is out of date: run 'make header'" && exit 1)

## Criterion benchmarks (minutes) and the Python comparison (creates .venv-bench with lifetimes).
bench:
	$(CARGO) bench -p cvm-core

.venv-bench/.stamp: benches/requirements-bench.txt
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check -r benches/requirements-bench.txt
	touch $@

bench-python: .venv-bench/.stamp $(VENV)/.stamp
	VIRTUAL_ENV=$(abspath .venv-bench) $(VENV)/bin/maturin develop --release --quiet -m cvm-py/Cargo.toml
	.venv-bench/bin/python benches/compare_summary.py
	.venv-bench/bin/python benches/compare_models.py

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf build $(VENV) .venv-bench $(addprefix .venv-stack-,$(STACKS))
