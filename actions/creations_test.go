package actions

import (
	"context"
	"testing"
)

// An import opens its roster changes in the county bureau's name; a county
// with more changes than a person may make in a minute must still get them
// all, so the bulk action takes no slot (and reads no policy: the zero
// Actions has no store, and would panic if it tried).
func TestImportCreationsAreNotLimited(t *testing.T) {
	slot, err := (&Actions{}).takeCreation(withoutCreationLimit(context.Background()), User{Username: "xiping-bureau"})
	if err != nil || slot != 0 {
		t.Fatalf("takeCreation without limit: slot %d, err %v; want 0, nil", slot, err)
	}
}
