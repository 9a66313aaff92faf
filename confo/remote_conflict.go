package confo

// RemoteConflict previews what persisting the config will meet, when a
// live refresh saw another client store a new version while the config had
// local edits (see Remote): the comparison a persist makes, against that
// version, so a UI can say before writing whether the persist merges or
// which fields will be in conflict. ok is false when nothing was seen.
// Reason is set only when the sides cannot be merged field by field (a
// delete on one side, a value that is not an object); with neither Reason
// nor FieldLevel, both sides made the same change; with FieldLevel and no
// Fields, the persist merges.
func (c *Config) RemoteConflict() (cf ConfigConflict, ok bool) {
	remote, ok := c.Remote()
	if !ok {
		return ConfigConflict{}, false
	}
	a := analyse(c.base, c.ourSide(), remote)
	return ConfigConflict{Reason: a.whole, Theirs: remote, FieldLevel: a.whole == "" && !a.agree, Fields: a.fields, TheirFields: a.theirFields}, true
}
