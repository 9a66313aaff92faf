package confo

import (
	"context"

	"github.com/confo-dev/confo/confo/dirstore"
	"github.com/confo-dev/confo/confo/jsonvalue"
	"github.com/confo-dev/confo/confo/redisstore"
	"github.com/confo-dev/confo/confo/store"
)

// What callers of the library need from the packages below it, under the
// names the seed's API uses, so a program imports confo alone.

// JSON values (package jsonvalue).
type (
	Value  = jsonvalue.Value
	Member = jsonvalue.Member
	Kind   = jsonvalue.Kind
)

const (
	Null   = jsonvalue.Null
	Bool   = jsonvalue.Bool
	Number = jsonvalue.Number
	String = jsonvalue.String
	Array  = jsonvalue.Array
	Object = jsonvalue.Object
)

// ErrNotObject: a field operation on a config that is not a JSON object.
var ErrNotObject = jsonvalue.ErrNotObject

func Decode(data []byte) (Value, error)         { return jsonvalue.Decode(data) }
func Encode(v Value) []byte                     { return jsonvalue.Encode(v) }
func Valid(data []byte) error                   { return jsonvalue.Valid(data) }
func ParseLiteral(text string) Value            { return jsonvalue.ParseLiteral(text) }
func ValueOf(x any) (Value, error)              { return jsonvalue.ValueOf(x) }
func NullValue() Value                          { return jsonvalue.NullValue() }
func BoolValue(b bool) Value                    { return jsonvalue.BoolValue(b) }
func StringValue(s string) Value                { return jsonvalue.StringValue(s) }
func IntValue(i int64) Value                    { return jsonvalue.IntValue(i) }
func NumberValue(literal string) (Value, error) { return jsonvalue.NumberValue(literal) }
func ArrayValue(items ...Value) Value           { return jsonvalue.ArrayValue(items...) }
func ObjectValue(members ...Member) Value       { return jsonvalue.ObjectValue(members...) }

// The store contract (package store).
type (
	Store               = store.Store
	BackendType         = store.BackendType
	Naming              = store.Naming
	Raw                 = store.Raw
	RawState            = store.RawState
	Snapshot            = store.Snapshot
	NamespaceSnapshot   = store.NamespaceSnapshot
	ConfigSnapshot      = store.ConfigSnapshot
	LoadOptions         = store.LoadOptions
	Targets             = store.Targets
	ConfigRef           = store.ConfigRef
	Watcher             = store.Watcher
	WatchOptions        = store.WatchOptions
	Change              = store.Change
	ChangeKind          = store.ChangeKind
	NamespaceChange     = store.NamespaceChange
	ConfigChange        = store.ConfigChange
	CommitOptions       = store.CommitOptions
	Conflict            = store.Conflict
	ConflictError       = store.ConflictError
	UnreachableError    = store.UnreachableError
	MalformedKeyError   = store.MalformedKeyError
	BadDataError        = store.BadDataError
	KeyCollisionError   = store.KeyCollisionError
	ReadOnlyError       = store.ReadOnlyError
	ContentionError     = store.ContentionError
	OutcomeUnknownError = store.OutcomeUnknownError
	PartialCommitError  = store.PartialCommitError
	ConflictKind        = store.ConflictKind
)

// RegistryName is the key (after the prefix) of the namespace registry in
// the Redis layout, and a name no namespace may take.
const RegistryName = store.RegistryName

const (
	BackendRedis  = store.BackendRedis
	BackendDir    = store.BackendDir
	RawPresent    = store.RawPresent
	RawMissing    = store.RawMissing
	RawUnreadable = store.RawUnreadable

	ChangeReady               = store.ChangeReady
	ChangeConfig              = store.ChangeConfig
	ChangeList                = store.ChangeList
	ChangeRegistry            = store.ChangeRegistry
	ChangeResync              = store.ChangeResync
	ChangeError               = store.ChangeError
	ConflictConfig            = store.ConflictConfig
	ConflictNamespaceDeleted  = store.ConflictNamespaceDeleted
	ConflictNamespaceNotEmpty = store.ConflictNamespaceNotEmpty
)

func MissingRaw() Raw         { return store.MissingRaw() }
func PresentRaw(b []byte) Raw { return store.PresentRaw(b) }

// Errors callers tell apart with errors.Is; the comments in package store
// name the Python exception each one replaces.
var (
	ErrBackendNotFound   = store.ErrBackendNotFound
	ErrBackendExists     = store.ErrBackendExists
	ErrNoActiveBackend   = store.ErrNoActiveBackend
	ErrNoNamespace       = store.ErrNoNamespace
	ErrNamespaceNotFound = store.ErrNamespaceNotFound
	ErrNamespaceExists   = store.ErrNamespaceExists
	ErrConfigNotFound    = store.ErrConfigNotFound
	ErrConfigExists      = store.ErrConfigExists
	ErrFieldNotFound     = store.ErrFieldNotFound
	ErrInvalidName       = store.ErrInvalidName
	ErrUnknownType       = store.ErrUnknownType
	ErrBadCredentials    = store.ErrBadCredentials
	ErrUnreachable       = store.ErrUnreachable
	ErrAuth              = store.ErrAuth
	ErrMalformedKey      = store.ErrMalformedKey
	ErrReadOnly          = store.ErrReadOnly
	ErrConflict          = store.ErrConflict
	ErrBadData           = store.ErrBadData
	ErrBusy              = store.ErrBusy
	ErrKeyCollision      = store.ErrKeyCollision
	ErrContention        = store.ErrContention
	ErrOutcomeUnknown    = store.ErrOutcomeUnknown
	ErrPartialCommit     = store.ErrPartialCommit
)

// The stores (packages redisstore and dirstore).
type (
	RedisConfig = redisstore.Config
	DirConfig   = dirstore.Config
)

// ParseRedisURL reads the redis:// or rediss:// form of a Redis backend.
func ParseRedisURL(raw string) (RedisConfig, error) { return redisstore.ParseURL(raw) }

// OpenRedis connects to a Redis backend.
func OpenRedis(ctx context.Context, cfg RedisConfig) (Store, error) {
	s, err := redisstore.Open(ctx, cfg)
	if err != nil {
		return nil, err // not a nil *redisstore.Store in a non-nil Store
	}
	return s, nil
}

// OpenDir opens a directory backend.
func OpenDir(cfg DirConfig) (Store, error) {
	s, err := dirstore.Open(cfg)
	if err != nil {
		return nil, err
	}
	return s, nil
}
