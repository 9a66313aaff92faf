// Package confotest is what the tests (and the benchmark driver) share: an
// in-memory store that keeps the store contract, the cross-store suite that
// runs one test against every backend, and starters for real redis-server
// topologies on free loopback ports.
package confotest
