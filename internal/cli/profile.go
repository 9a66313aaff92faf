package cli

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/spf13/pflag"
)

// profileFlag is the hidden --cpuprofile FILE: a CPU profile of one run,
// for `go tool pprof`, so that the speed of a command is looked into with
// the binary users run.
type profileFlag struct {
	path string
	file *os.File
}

func (p *profileFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.path, "cpuprofile", "", "write a CPU profile of the run to `FILE`")
	fs.MarkHidden("cpuprofile")
}

// start begins profiling when the flag was given.
func (p *profileFlag) start() error {
	if p.path == "" || p.file != nil {
		return nil
	}
	f, err := os.Create(p.path)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	p.file = f
	return nil
}

// stop ends profiling and closes the file.
func (p *profileFlag) stop() {
	if p.file != nil {
		pprof.StopCPUProfile()
		p.file.Close()
		p.file = nil
	}
}
