# Soak test (included by the Makefile).
#
#   make soak     the burst-and-restart integration test (a dockerd
#                 restart during bursts of pushes; 92-restart-burst) run
#                 SOAK_RUNS times (10), each in its own test environment;
#                 it passes only when every run passes.  Not part of
#                 make check (which runs that test once) or CI.

SOAK_RUNS ?= 10

.PHONY: soak
soak: all
	SOAK_RUNS=$(SOAK_RUNS) scripts/soak
