# Thin wrapper over CMake: `make run`, `make test`, `make asan`, `make bench`.
BUILD ?= build
TYPE  ?= Release
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps build run test asan bench format check clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/podpilot

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan TYPE=Asan

bench: build
	$(BUILD)/bench/engine
	$(BUILD)/bench/sim
	$(BUILD)/bench/replay
	$(BUILD)/bench/tui

format:
	clang-format -i $$(git ls-files --cached --others --exclude-standard '*.c' '*.h')

check:
	@scripts/checksrc.sh

clean:
	rm -rf build build-asan
