package actions

import (
	"context"

	"github.com/google/uuid"

	"zhucun/store"
)

// DelegationsInForce lets the caches' tests read what a decision reads.
func (a *Actions) DelegationsInForce(ctx context.Context, deputy uuid.UUID) ([]store.Delegation, error) {
	return a.activeDelegationsTo(ctx, deputy)
}
