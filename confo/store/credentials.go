package store

import (
	"fmt"
	"strconv"
	"strings"
)

// Credentials are the Python API's backend settings: a map decoded from
// code, JSON or YAML, so values may be strings, any integer type or floats.

// CredentialString accepts strings and whole numbers, as the Python
// credentials did ("redis_port": "6379" or 6379).
func CredentialString(key string, raw any) (string, error) {
	switch v := raw.(type) {
	case string:
		return v, nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case float32:
		if float32(int64(v)) == v {
			return strconv.FormatInt(int64(v), 10), nil
		}
	case float64:
		if v == float64(int64(v)) {
			return strconv.FormatInt(int64(v), 10), nil
		}
	}
	return "", fmt.Errorf("%w: %s must be a string or an integer, got %T", ErrBadCredentials, key, raw)
}

// CredentialBool accepts a bool or the usual spellings of one, ignoring
// case and surrounding spaces.
func CredentialBool(key string, raw any) (bool, error) {
	switch v := raw.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "true", "yes", "on":
			return true, nil
		case "", "0", "false", "no", "off":
			return false, nil
		}
	}
	return false, fmt.Errorf("%w: %s must be true or false, got %v", ErrBadCredentials, key, raw)
}
