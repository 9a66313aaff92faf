//go:build !linux

package main

import "time"

func processCPU() time.Duration { return 0 }

func selfPeakRSS() int64 { return -1 }
