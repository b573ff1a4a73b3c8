package workflows

// All lists every workflow function, for the worker and the replay test.
func All() []any {
	return []any{
		LeaveWorkflow,
		AbsenceWorkflow,
		ReportWorkflow,
		RosterChangeWorkflow,
	}
}
