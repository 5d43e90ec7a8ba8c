package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// dataEnv names the environment variable that overrides the default FVC
// data folder.
const dataEnv = "CIEKIT_FVC2002"

// defaultData finds the FVC2002 B sets: $CIEKIT_FVC2002 if set, otherwise
// ../shared/data/fingerprints/fvc2002 beside the root of the ciekit module,
// which is looked for above the working directory and above the folder
// this program was built from (so that go run and an installed binary work
// from anywhere on the machine that built them). When none holds DB1_B,
// the error says exactly what to pass.
func defaultData() (string, error) {
	if d := os.Getenv(dataEnv); d != "" {
		return d, nil
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	var tried []string
	for _, s := range starts {
		root, ok := moduleRoot(s)
		if !ok {
			continue
		}
		d := filepath.Join(filepath.Dir(root), "shared", "data", "fingerprints", "fvc2002")
		if st, err := os.Stat(filepath.Join(d, "DB1_B")); err == nil && st.IsDir() {
			return d, nil
		}
		tried = append(tried, d)
	}
	msg := "no FVC2002 data found"
	if len(tried) > 0 {
		msg += " in " + strings.Join(tried, ", ")
	} else {
		msg += " (no ciekit module root above the working directory or the program's source)"
	}
	return "", errors.New(msg + fmt.Sprintf("; pass -data DIR (the folder holding DB1_B … DB4_B, in a ciekit work tree ../shared/data/fingerprints/fvc2002 beside the module root) or set %s", dataEnv))
}

// moduleRoot returns the nearest folder at or above dir whose go.mod
// declares the ciekit module.
func moduleRoot(dir string) (string, bool) {
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/ciekit/ciekit\n") {
			return dir, true
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", false
		}
		dir = up
	}
}
