# The two commands of README.md: `make demo` is `go run ./examples/workstation`, `make test` runs every check.
.PHONY: test demo
test:
	./scripts/test
demo:
	go run ./examples/workstation
