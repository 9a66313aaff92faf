package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/confo-dev/confo/confo/jsonvalue"
	"github.com/confo-dev/confo/confo/store"
	"github.com/redis/go-redis/v9"
)

var errNoRegistry = errors.New("no registry key")

// readRegistry returns the registered namespaces, sorted and deduplicated.
func (s *Store) readRegistry(ctx context.Context) ([]string, error) {
	cmd := s.client.Get(ctx, s.registryKey())
	if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) && !isWrongType(err) {
		return nil, s.classify(err)
	}
	return s.registryOf(ctx, cmd)
}

// registryOf reads the registry from the answer to its GET: errNoRegistry
// when it is missing, a *store.MalformedKeyError when it is not a list.
func (s *Store) registryOf(ctx context.Context, cmd *redis.StringCmd) ([]string, error) {
	data, err := cmd.Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, errNoRegistry
	case isWrongType(err):
		reason := "not a Redis string"
		if typ, terr := s.client.Type(ctx, s.registryKey()).Result(); terr == nil {
			reason = notAString(typ)
		}
		return nil, &store.MalformedKeyError{Key: s.registryKey(), Reason: reason}
	case err != nil:
		return nil, s.classify(err)
	}
	names, reason := decodeList(data, "namespaces")
	if reason != "" {
		return nil, &store.MalformedKeyError{Key: s.registryKey(), Reason: reason}
	}
	return names, nil
}

// sortConfigs sorts configs by name, each name once.
func sortConfigs(configs []store.ConfigSnapshot) []store.ConfigSnapshot {
	byName := func(a, b store.ConfigSnapshot) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(configs, byName)
	return slices.CompactFunc(configs, func(a, b store.ConfigSnapshot) bool { return a.Name == b.Name })
}

// notAString is the reason a key of Redis type typ cannot be a list.
func notAString(typ string) string {
	return "a Redis " + typ + ", not a string"
}

// isMissingOrWrongType reports the answers to a GET that only concern
// its key: missing (redis.Nil) or not a string.
func isMissingOrWrongType(err error) bool { return errors.Is(err, redis.Nil) || isWrongType(err) }

// isWrongType reports the server's answer to a GET of a key that is not a
// string. Other server errors (NOPERM, OOM) are failures, not bad data.
func isWrongType(err error) bool {
	var serverErr redis.Error
	return errors.As(err, &serverErr) && strings.HasPrefix(serverErr.Error(), "WRONGTYPE")
}

// pipelineError is the error of a pipeline worth returning: redis.Nil and
// WRONGTYPE only concern single keys, which the caller inspects one by one.
func pipelineError(cmds []redis.Cmder) error {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !isMissingOrWrongType(err) {
			return err
		}
	}
	return nil
}

// decodeList reads {"<field>": ["a", "b"]} as a sorted set of names, or says
// what is wrong with it.
func decodeList(data []byte, field string) ([]string, string) {
	v, err := jsonvalue.Decode(data)
	if err != nil {
		return nil, "not JSON: " + err.Error()
	}
	if v.Kind() != jsonvalue.Object {
		return nil, fmt.Sprintf("want an object with a %q list, not a JSON %s", field, v.Kind())
	}
	list, ok := v.Field(field)
	if !ok || list.Kind() != jsonvalue.Array {
		return nil, fmt.Sprintf("no %q list", field)
	}
	names := make([]string, 0, list.Len())
	for _, item := range list.Items() {
		if item.Kind() != jsonvalue.String {
			return nil, fmt.Sprintf("%q holds a %s, want only strings", field, item.Kind())
		}
		names = append(names, item.Str())
	}
	slices.Sort(names)
	return slices.Compact(names), ""
}

// encodeList writes a list the way Python's json.dumps does, sorted so that
// repeated persists produce identical bytes.
func encodeList(field string, names []string) []byte {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	items := make([]jsonvalue.Value, len(sorted))
	for i, name := range sorted {
		items[i] = jsonvalue.StringValue(name)
	}
	return jsonvalue.Encode(jsonvalue.ObjectValue(jsonvalue.Member{Key: field, Value: jsonvalue.ArrayValue(items...)}))
}
