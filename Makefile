# SwiftSIP: build, run, test, fuzz and benchmark.
#
#   make run    [ARGS=...]          build (release) and start `intercom` on its built-in defaults
#   make test   [FUZZ_SECONDS=N]    build and run every test; then each fuzzer for N s if N > 0
#                                   (N defaults to 45 when CI=true, else 0)
#   make fuzz   [FUZZ_SECONDS=N]    run each fuzzer for N s (default 600); see Tests/Fuzz/README.md
#   make bench  [ARGS=...]          parser benchmark (`Benchmarks parser`)
#   make clean                      remove build products and fuzz artifacts
#
# `run` and `test` first install the Debian packages they need (scripts/install-deps.sh: as root it
# runs apt-get, otherwise it prints the command to run and stops).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

SWIFT ?= swift
ARGS ?=

# Debian packages `make run` needs: libraries the agent links, and what it runs. libasound2
# (pulled in by libasound2-dev) has the null, file and plug PCM plugins the ALSA tests use built in;
# libsrtp2-dev brings libsrtp2-1, which the agent links for SRTP.
RUN_PACKAGES := libopus-dev libspeexdsp-dev libasound2-dev libsrtp2-dev
# Debian packages `make test` needs: everything `run` needs (the tests build the agent), plus
# what only the tests use (peers such as kamailio for interop tests; dnsmasq serves DNS
# records for the RFC 3263 server-location tests).
TEST_PACKAGES := $(RUN_PACKAGES) kamailio kamailio-tls-modules kamailio-websocket-modules baresip openssl tcpdump dnsmasq-base

INSTALL_DEPS := bash scripts/install-deps.sh

# CI sets CI=true: `make test` then runs each of the six fuzzers for 45 s (4 1/2 minutes in all)
# unless FUZZ_SECONDS says otherwise.
IS_CI := $(filter true TRUE True 1 yes,$(CI))
TEST_FUZZ_SECONDS := $(or $(FUZZ_SECONDS),$(if $(IS_CI),45,0))
FUZZ_FUZZ_SECONDS := $(or $(FUZZ_SECONDS),600)

.PHONY: help run test fuzz bench clean deps-run deps-test

help:
	@sed -n '3,8s/^# \{0,1\}//p' Makefile

deps-run:
	@$(INSTALL_DEPS) $(RUN_PACKAGES)

deps-test:
	@$(INSTALL_DEPS) $(TEST_PACKAGES)

run: deps-run
	$(SWIFT) run -c release intercom $(ARGS)

# The fault tests (a flood of 3,000 datagrams/s, a soak of 1,000 calls, a registrar killed for a
# minute) run after the rest, on their own: run beside the real-time audio tests they starved
# those of CPU on a 2-core machine and failed them.
FAULT_TESTS := RegistrarOutageTests|PeerVanishesTests|FloodTests|SoakTests
# Two agents in the test process with paced WAV devices and no real-time priority, whose
# recordings are correlated with the other side's microphone: beside the parallel main phase
# their audio threads were starved (the test took 18 s instead of 10 and a correlation fell to
# 0.59), so they run on their own between the two.
REALTIME_TESTS := AgentCallTests

test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(FAULT_TESTS)|$(REALTIME_TESTS)'
	$(SWIFT) test --skip-build --filter '$(REALTIME_TESTS)'
	$(SWIFT) test --skip-build --filter '$(FAULT_TESTS)'
ifneq ($(TEST_FUZZ_SECONDS),0)
	bash Tests/Fuzz/run-fuzzers.sh $(TEST_FUZZ_SECONDS)
endif

fuzz:
	@$(INSTALL_DEPS)
	bash Tests/Fuzz/run-fuzzers.sh $(FUZZ_FUZZ_SECONDS)

bench: deps-run
	$(SWIFT) run -c release Benchmarks parser $(ARGS)

clean:
	$(SWIFT) package clean
	rm -rf .build-fuzz fuzz-artifacts
