package sadcheck_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strconv"

	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/sadcheck"
)

// Checking an http endpoint: here the reference server of package sad over
// its sample register, where the cases that need homonyms, an AIRE
// subject or a former resident are skipped.
func ExampleRun() {
	srv := httptest.NewServer(&sad.Server{Registry: sad.NewMemoryRegistry(sad.SampleSubjects())})
	defer srv.Close()
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)

	rep, err := sadcheck.Run(context.Background(), sadcheck.Options{
		Config: sad.Config{Host: host, Port: p, Path: "/sad"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	skipped := 0
	for _, r := range rep.Results {
		if r.Outcome == sadcheck.Skip {
			skipped++
		}
	}
	fmt.Println("passed:", rep.Passed(), "failed:", rep.Failed(), "skipped:", skipped, "of", len(rep.Results))
	// Output:
	// passed: true failed: [] skipped: 3 of 25
}
