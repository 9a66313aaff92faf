//go:build !linux

package main

import (
	"os"
	"time"
)

func processCPU() time.Duration { return 0 }

func childRSS(*os.ProcessState) int64 { return -1 }
