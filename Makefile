# Thin wrapper over CMake: `make run`, `make test`, `make install`, `make asan`, `make fuzz`, `make bench`.
BUILD  ?= build
TYPE   ?= Release
PREFIX ?= /usr/local
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
ARGS   ?=

FUZZ_SECONDS ?= 20

.PHONY: all deps configure build run test install asan fuzz bench format check clean

all: build

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Builds the binary only, then runs it: make run ARGS='examples/flowers-sample.yaml'
run: configure
	@cmake --build $(BUILD) -j $(JOBS) --target podpilot
	$(BUILD)/podpilot $(ARGS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The binary, themes, man page, bash and zsh completion and README under
# PREFIX (default /usr/local); DESTDIR stages, as packagers expect.
install: build
	@cmake --install $(BUILD)

asan:
	@$(MAKE) --no-print-directory test BUILD=build-asan TYPE=Asan

# libFuzzer (clang): the manifest reader, the watch stream, kubeconfigs and
# recordings, each for FUZZ_SECONDS, under ASan and UBSan.
fuzz: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Fuzz -DPODPILOT_WERROR=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_manifest fuzz_watch fuzz_kubeconfig fuzz_record fuzz_metrics fuzz_kpa_stat fuzz_promtext fuzz_response fuzz_lever
	@scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

bench: build
	$(BUILD)/bench/engine
	$(BUILD)/bench/sim
	$(BUILD)/bench/replay
	$(BUILD)/bench/tui
	$(BUILD)/bench/watch

format:
	clang-format -i $$(git ls-files --cached --others --exclude-standard '*.c' '*.h')

check:
	@scripts/checksrc.sh

clean:
	rm -rf build build-asan build-fuzz
