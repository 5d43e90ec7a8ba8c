# The two commands of README.md.
#   make demo   the main demo: a CIE issued end to end on simulated hardware (go run ./examples/workstation)
#   make test   every check, as CI runs it (scripts/test: installs the system packages it needs with
#               apt, so it needs root or passwordless sudo, and network access to the Debian mirrors,
#               the npm registry and the Go module proxy; see the header of scripts/test)
#   make fuzz   every fuzz target for BUDGET each (default 30s): make fuzz BUDGET=2m
.PHONY: test demo fuzz
test:
	./scripts/test
demo:
	go run ./examples/workstation
fuzz:
	./scripts/fuzz/fuzz -budget $(or $(BUDGET),30s)
