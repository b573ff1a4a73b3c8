package workflows

// All lists every workflow function, for the worker and the replay test:
// each kind's, and the Schedules' tick.
func All() []any {
	var all []any
	for _, k := range Kinds() {
		all = append(all, k.Workflow)
	}
	return append(all, TickWorkflow)
}
