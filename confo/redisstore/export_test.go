package redisstore

// FailBefore makes a step of s's cluster commits fail ("list", "registry",
// "deletes") with what fail returns; nil stops it.
func FailBefore(s *Store, fail func(step string) error) { s.failBefore = fail }

// AwaitChange waits for a change of a watch that want accepts.
var AwaitChange = waitChange
