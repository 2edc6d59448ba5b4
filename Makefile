# cvm — build, test and demo. Needs only the Rust toolchain, Python 3.11, gcc/g++ and make;
# everything else (a .venv with pinned packages, the pinned cbindgen) is installed here.

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

.PHONY: all demo test test-rust fuzz test-c test-python check-header header lib python venv bench bench-python fmt clean

all: lib python

## The walkthrough on the shipped CDNOW data.
demo: python
	$(VPY) examples/walkthrough.py

## Every test: Rust (unit, integration, doc), the C and C++ programs, Python; the header drift check.
test: check-header test-rust test-c test-python
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
	$(CARGO) test --release --manifest-path fuzz/Cargo.toml

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

## Fuzzing (nightly toolchain): every target for FUZZ_SECONDS seconds, two at a time (2 cores);
## each input has FUZZ_TIMEOUT seconds and FUZZ_RSS_MB of memory, so a slow input is a finding.
## New crash reproductions land in fuzz/artifacts/<target>/ (replayed by `make test`).
FUZZ_SECONDS ?= 600
FUZZ_TIMEOUT ?= 5
FUZZ_RSS_MB  ?= 2048
FUZZ_TARGETS := rules models summary kernels
CARGO_FUZZ   := .tools/bin/cargo-fuzz

$(CARGO_FUZZ):
	$(CARGO) install cargo-fuzz --locked --root .tools --quiet

FUZZ := PATH=$(abspath .tools/bin):$$PATH $(CARGO) +nightly fuzz

fuzz: $(CARGO_FUZZ)
	@mkdir -p build
	cd fuzz && for t in $(FUZZ_TARGETS); do $(FUZZ) build --features fuzzing $$t || exit 1; done
	@set -e; run() { cd fuzz && $(FUZZ) run --features fuzzing $$1 corpus/$$1 -- \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -rss_limit_mb=$(FUZZ_RSS_MB) \
	    -print_final_stats=1 > ../build/fuzz-$$1.log 2>&1; }; \
	  set -- $(FUZZ_TARGETS); while [ $$# -gt 0 ]; do \
	    (run $$1) & p1=$$!; p2=; if [ $$# -gt 1 ]; then (run $$2) & p2=$$!; fi; \
	    wait $$p1 || { echo "fuzz $$1: finding, see build/fuzz-$$1.log"; exit 1; }; \
	    if [ -n "$$p2" ]; then wait $$p2 || { echo "fuzz $$2: finding, see build/fuzz-$$2.log"; exit 1; }; fi; \
	    shift; if [ $$# -gt 0 ]; then shift; fi; done
	@grep -H 'stat::number_of_executed_units' build/fuzz-*.log

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf build $(VENV) .venv-bench
