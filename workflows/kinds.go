package workflows

// StepSpec is one step a kind's processes can wait at.
type StepSpec struct {
	Name  string // as in Step.Name and the read model's waiting index
	Title string // as people read it in notices (Chinese)
}

// KindSpec describes one process kind: its name in the read model, its
// title, its workflow, the steps it can wait at and the statuses it
// records. Everything that lists kinds is derived from Kinds (the
// registry, step titles, KindNames), and what cannot be derived here,
// the store's per-kind tables, is checked against it by a test in store.
//
// There is no workflow-ID function here: a report's takes a county and a
// month, the others one id, so each kind keeps its own beside its
// contract (LeaveWorkflowID...).
type KindSpec struct {
	Name     string // KindLeave...
	Title    string // Chinese
	Workflow any    // the workflow function, registered under its own name
	Steps    []StepSpec
	Statuses []string
}

// Kinds describes every process kind, in the order the worker registers
// their workflows. It is a function, not a variable, because the
// workflows it names read step titles from it: a variable would be an
// initialisation cycle.
func Kinds() []KindSpec {
	return []KindSpec{{
		Name: KindLeave, Title: "请假", Workflow: LeaveWorkflow,
		Steps: []StepSpec{
			{StepApproval, "审批"},
			{StepExtensionApproval, "续假审批"},
			{StepFiling, "备案"},
			{StepReturn, "销假"},
		},
		Statuses: []string{LeavePending, LeaveApproved, LeaveRefused, LeaveWithdrawn, LeaveReturned, LeaveCancelled},
	}, {
		Name: KindAbsence, Title: "缺岗情况说明", Workflow: AbsenceWorkflow,
		Steps: []StepSpec{
			{StepExplanation, "情况说明"},
			{StepSignature, "单位负责人签字"},
		},
		Statuses: []string{AbsenceAwaitingExplanation, AbsenceAwaitingSignature, AbsenceSigned, AbsenceClosed, AbsenceVoided},
	}, {
		Name: KindAbsenceReport, Title: "缺岗情况说明月度汇总", Workflow: ReportWorkflow,
		Steps: []StepSpec{
			{StepSubmission, "月度汇总报送"},
		},
		Statuses: []string{ReportOpen, ReportSubmitted},
	}, {
		Name: KindRosterChange, Title: "动态备案", Workflow: RosterChangeWorkflow,
		Steps: []StepSpec{
			{StepFiling, "备案"},
			{StepReport, "台账上报"},
		},
		Statuses: []string{RosterAwaitingFiling, RosterFiled, RosterReported},
	}, {
		Name: KindTrip, Title: "外出报备", Workflow: TripWorkflow,
		Steps: []StepSpec{
			{StepApproval, "审批"},
		},
		Statuses: []string{TripPending, TripApproved, TripRefused},
	}, {
		Name: KindPresenceStatement, Title: "在岗月度统计", Workflow: StatementWorkflow,
		Steps: []StepSpec{
			{StepShortfallReview, "在岗天数不足审核"},
		},
		Statuses: []string{StatementReviewing, StatementDone},
	}, {
		Name: KindObligation, Title: "年度履职事项", Workflow: ObligationWorkflow,
		Steps: []StepSpec{
			{StepTraining, "参加县级以上培训"},
			{StepHearing, "党委听取工作队汇报"},
			{StepVisits, "单位领导走访驻村"},
		},
		Statuses: []string{ObligationOpen, ObligationOverdue, ObligationSatisfied, ObligationLapsed},
	}, {
		Name: KindAssessment, Title: "年度考核", Workflow: AssessmentWorkflow,
		Steps: []StepSpec{
			{StepAssessResult, "登记考核结果"},
			{StepAssessAck, "确认收到考核结果"},
		},
		Statuses: []string{AssessmentAwaitingResult, AssessmentAwaitingAck, AssessmentAcknowledged},
	}, {
		Name: KindCirculation, Title: "缺岗情况通报", Workflow: CirculationWorkflow,
		Steps:    []StepSpec{{StepIssue, "审核印发"}},
		Statuses: []string{CirculationDrafted, CirculationIssued},
	}, {
		Name: KindInterview, Title: "约谈", Workflow: InterviewWorkflow,
		Steps:    []StepSpec{{StepInterview, "约谈"}},
		Statuses: []string{InterviewAwaiting, InterviewScheduled, InterviewHeld},
	}, {
		Name: KindRecall, Title: "召回", Workflow: RecallWorkflow,
		Steps:    []StepSpec{{StepReplacement, "补充队员"}},
		Statuses: []string{RecallShort, RecallReplaced},
	}}
}

// KindNames lists the kinds' names, in Kinds' order.
func KindNames() []string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, k.Name)
	}
	return names
}

// KindByName is the kind named name, if there is one.
func KindByName(name string) (KindSpec, bool) {
	for _, k := range Kinds() {
		if k.Name == name {
			return k, true
		}
	}
	return KindSpec{}, false
}

// StepTitle is a step's title for people, the name itself for a step no
// kind describes. A step two kinds share (filing) has one title.
func StepTitle(name string) string {
	for _, k := range Kinds() {
		for _, s := range k.Steps {
			if s.Name == name {
				return s.Title
			}
		}
	}
	return name
}
