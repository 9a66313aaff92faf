//go:build !linux

package main

import (
	"os"
	"time"
)

func processCPU() time.Duration { return 0 }

func selfPeakRSS() int64 { return -1 }

func peakRSS(*os.ProcessState) int64 { return -1 }
