// Package confotest is what the tests (and the benchmark driver) share: an
// in-memory store that keeps the store contract, and the cross-store suite
// that runs one test against every backend. Its subpackage redisserver
// starts real redis-server topologies; it is separate because the stores'
// own tests need it and this package imports the library above them.
package confotest
