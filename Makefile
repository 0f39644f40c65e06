# smtpkit: the two entry points a newcomer needs are `make demo` and
# `make test`; each installs what it needs (Debian packages, as root or
# through sudo), builds, and runs.

BUILD      ?= build
FUZZ_BUILD ?= build-fuzz
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: all deps build test demo fuzz fuzz-build sanitize sanitize-core ci-sanitize tsan bench bench-mailer mailer-soak install clean lint

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMTPKIT_WERROR=ON

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The whole suite: unit, scripted-server and real-server tests (g++), then the
# libFuzzer targets built with clang replaying their seed corpus.
test: build fuzz-build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(FUZZ_BUILD) && ctest --output-on-failure -j $(JOBS)

# A real message through a real local Postfix, shown as it arrived. Builds
# only the tool (smtpkit_cli and the library under it), not the tests.
demo: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target smtpkit_cli
	bash scripts/demo.sh $(BUILD)

$(FUZZ_BUILD)/build.ninja: | deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
	    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSMTPKIT_CORE_ONLY=ON -DSMTPKIT_TESTS=OFF -DSMTPKIT_WERROR=ON \
	    -DSMTPKIT_FUZZ=ON

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Fuzzes each target for FUZZ_SECONDS, growing a scratch corpus from the seeds.
fuzz: fuzz-build
	bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The suite under AddressSanitizer and UndefinedBehaviorSanitizer (g++):
# every test, the real-server ones included. Debug builds (-O0) throughout:
# at -O1 g++ 12 reports a false -Wmismatched-new-delete inside Asio.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	    -DSMTPKIT_SANITIZE=address,undefined -DSMTPKIT_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest --output-on-failure -j $(JOBS)

# What CI runs besides `make test`: the unit and scripted suites under
# ASan+UBSan (sanitize-core), the concurrency tests under TSan (tsan).
ci-sanitize: sanitize-core tsan

sanitize-core: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	    -DSMTPKIT_SANITIZE=address,undefined -DSMTPKIT_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests scripted_tests smtpkit_cli
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest -R '^(unit|scripted)[.]' --output-on-failure -j $(JOBS)

# Benchmarks on a Release build (never run by `make test`): the core
# micro-benchmarks, then messages/s through smtp-sink, smtpkit against
# Python's smtplib (bench/send_throughput.sh). Warnings do not stop it
# (g++ 12 at -O3 reports a false -Wrestrict in std::string code).
BENCH_BUILD ?= build-bench
bench: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMTPKIT_TESTS=OFF \
	    -DSMTPKIT_WERROR=OFF -DSMTPKIT_BENCH=ON
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target smtpkit_bench_core smtpkit_cli \
	    smtpkit_bench_large_attachment
	$(BENCH_BUILD)/bench/smtpkit_bench_core
	bash bench/send_throughput.sh $(BENCH_BUILD)/smtpkit
	bash bench/large_attachment.sh $(BENCH_BUILD)/bench/smtpkit_bench_large_attachment 1024

# The Mailer's long run: 10,000 messages through 10 sessions with a quota of
# 100 (so 100 sessions opened in all) to smtp-sink, each counted
# once at the sink. `make test` runs the same test with 2,000.
MAILER_MESSAGES ?= 10000
mailer-soak: build
	SMTPKIT_MAILER_MESSAGES=$(MAILER_MESSAGES) $(BUILD)/tests/integration_tests \
	    --gtest_filter='MailerReal.ManyMessages*'

# The Mailer's messages/s with 1, 10 and 100 sessions against smtp-sink, beside
# nodemailer's pool when npm can install it (bench/mailer_throughput.sh).
bench-mailer: deps
	cmake -S . -B $(BENCH_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DSMTPKIT_TESTS=OFF \
	    -DSMTPKIT_WERROR=OFF -DSMTPKIT_BENCH=ON
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target smtpkit_bench_mailer
	bash bench/mailer_throughput.sh $(BENCH_BUILD)/bench/smtpkit_bench_mailer

# The tests that run the client on other threads (asynchronous operations,
# events, the thread model, cancellation, the Mailer) under ThreadSanitizer
# (g++, -Wno-tsan); tests/CMakeLists.txt lists them as concurrency_tests.
TSAN_BUILD ?= build-tsan
tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSMTPKIT_SANITIZE=thread -DSMTPKIT_WERROR=ON
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target concurrency_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(TSAN_BUILD)/tests/concurrency_tests

# clang-format (check mode) and clang-tidy (.clang-tidy) over the sources;
# any finding fails. Needs only the configured build's compile_commands.json.
lint: deps $(BUILD)/build.ninja
	bash scripts/lint.sh $(BUILD) $(JOBS)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
