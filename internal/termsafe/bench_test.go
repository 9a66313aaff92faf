package termsafe

import (
	"io"
	"strings"
	"testing"
)

var sink string

func benchmark(b *testing.B, f func(string) string, s string) {
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		sink = f(s)
	}
}

func BenchmarkLineCleanASCII(b *testing.B) {
	benchmark(b, Line, "payments-service.prod.eu-west-1.rate_limit")
}

func BenchmarkLineCleanUnicode(b *testing.B) {
	benchmark(b, Line, "支払いサービス-本番-😀-e\u0301te\u0301")
}

func BenchmarkNameClean(b *testing.B) {
	benchmark(b, Name, "payments-service.prod.eu-west-1.rate_limit")
}

func BenchmarkLineEscaped(b *testing.B) {
	benchmark(b, Line, "ns\x1b]52;c;aGk=\x07-prod\x1b[31m")
}

func BenchmarkNameEscaped(b *testing.B) {
	benchmark(b, Name, "ns\x1b]52;c;aGk=\x07-prod\x1b[31m")
}

func BenchmarkBlockClean(b *testing.B) {
	benchmark(b, Block, strings.Repeat("  \"timeout_ms\": 2500,\n", 40))
}

func BenchmarkBlockTabs(b *testing.B) {
	benchmark(b, Block, strings.Repeat("\t\"timeout_ms\":\t2500,\n", 40))
}

func BenchmarkNeedsClean(b *testing.B) {
	s := "payments-service.prod.eu-west-1.rate_limit"
	b.ReportAllocs()
	for b.Loop() {
		if Needs(s) {
			b.Fatal("clean")
		}
	}
}

func BenchmarkWriter(b *testing.B) {
	line := "ns-prod\t12\x1b]52;c;aGk=\x07\n"
	w := NewWriter(io.Discard, true)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		w.WriteString(line)
	}
}
