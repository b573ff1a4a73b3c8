package web

// The yearly duties' pages (articles 11, 19, 23) and the team make-up
// flags (article 8): the county bureau's training entry and flag list,
// the unit head's hearing and visit records, and an assessment's page for
// the unit head (the result) and the county bureau (the receipt). Each
// calls the action of the API route beside it.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/store"
	"zhucun/workflows"
)

func (p *Pages) obligationRoutes(r chi.Router) {
	r.Get("/trainings/new", p.handle(p.trainingForm))                  // RecordTraining (the form)
	r.Post("/trainings", p.handle(p.recordTraining))                   // RecordTraining
	r.Get("/support", p.handle(p.supportPage))                         // SupportRecords
	r.Post("/support/hearings", p.handle(p.recordSupport("hearing")))  // RecordHearing
	r.Post("/support/visits", p.handle(p.recordSupport("visit")))      // RecordVisit
	r.Get("/assessments/{id}", p.handle(p.assessmentPage))             // Assessment
	r.Post("/assessments/{id}/result", p.handle(p.recordAssessment))   // RecordAssessment
	r.Post("/assessments/{id}/acknowledge", p.handle(p.ackAssessment)) // AckAssessment
	r.Get("/team-flags", p.handle(p.teamFlagsPage))                    // TeamFlags
	r.Post("/team-flags/check", p.handle(p.checkTeams))                // CheckTeamsNow
}

func (p *Pages) trainingForm(w http.ResponseWriter, r *http.Request) error {
	return p.showTraining(w, r, page{Title: "登记培训", Nav: "trainings"}, http.StatusOK)
}

func (p *Pages) showTraining(w http.ResponseWriter, r *http.Request, pg page, status int) error {
	if err := p.act.MayRecordTraining(mustUser(r)); err != nil {
		return err
	}
	p.badge(r, &pg)
	p.render(w, r, status, "obligation_training", pg)
	return nil
}

func (p *Pages) recordTraining(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	days, _ := strconv.Atoi(f.Get("days"))
	req := actions.TrainingRequest{Title: f.Get("title"), Level: f.Get("level"), From: f.Get("from"), To: f.Get("to"),
		Days: days, MemberIDs: strings.Fields(strings.NewReplacer(",", " ", "，", " ", "、", " ").Replace(f.Get("member_ids")))}
	_, err := p.act.RecordTraining(r.Context(), mustUser(r), req)
	if err == nil {
		return redirect(w, r, "/trainings/new", errs.Text(errs.MsgTrainingSavedFlash))
	}
	pg := page{Title: "登记培训", Nav: "trainings"}
	if !formError(err, &pg, r) {
		return err
	}
	return p.showTraining(w, r, pg, http.StatusOK)
}

type supportData struct {
	actions.SupportList
	Teams []store.Team
}

func (p *Pages) supportPage(w http.ResponseWriter, r *http.Request) error {
	return p.showSupport(w, r, page{Title: "派出单位履职（听取汇报、走访）", Nav: "support"})
}

func (p *Pages) showSupport(w http.ResponseWriter, r *http.Request, pg page) error {
	u := mustUser(r)
	list, err := p.act.SupportRecords(r.Context(), u, r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	teams, err := p.act.UnitTeams(r.Context(), u)
	if err != nil {
		return err
	}
	pg.Data = supportData{SupportList: list, Teams: teams}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "obligation_support", pg)
	return nil
}

func (p *Pages) recordSupport(kind string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		f := r.PostForm
		req := actions.SupportRequest{TeamID: f.Get("team_id"), On: f.Get("on"), Who: f.Get("who"), Name: f.Get("name"), Note: f.Get("note")}
		act := p.act.RecordHearing
		if kind == "visit" {
			act = p.act.RecordVisit
		}
		_, err := act(r.Context(), mustUser(r), req)
		if err == nil {
			return redirect(w, r, "/support", errs.Text(errs.MsgSupportSavedFlash))
		}
		pg := page{Title: "派出单位履职（听取汇报、走访）", Nav: "support"}
		if !formError(err, &pg, r) {
			return err
		}
		pg.Form.Set("form", kind)
		return p.showSupport(w, r, pg)
	}
}

type assessmentData struct {
	workflows.Assessment
	CanRecord, CanAck bool
	Results           []string
}

func (p *Pages) assessmentPage(w http.ResponseWriter, r *http.Request) error {
	return p.showAssessment(w, r, page{Title: "年度考核"})
}

func (p *Pages) showAssessment(w http.ResponseWriter, r *http.Request, pg page) error {
	u := mustUser(r)
	as, err := p.act.Assessment(r.Context(), u, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	pg.Title = as.MemberName + " " + strconv.Itoa(as.Year) + " 年度考核"
	pg.Data = assessmentData{Assessment: as, Results: workflows.AssessmentResults,
		CanRecord: as.Status == workflows.AssessmentAwaitingResult && u.Role == "unit_head" && u.UnitID == as.UnitID,
		CanAck:    as.Status == workflows.AssessmentAwaitingAck && u.Role == "county_bureau" && u.CountyID == as.CountyID}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "obligation_assessment", pg)
	return nil
}

func (p *Pages) recordAssessment(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := actions.ResultRequest{Result: r.PostForm.Get("result"), Note: r.PostForm.Get("note")}
	req.SetID(chi.URLParam(r, "id"))
	_, err := p.act.RecordAssessment(r.Context(), mustUser(r), req)
	if err == nil {
		return redirect(w, r, "/assessments/"+req.ID, errs.Text(errs.MsgAssessSavedFlash))
	}
	pg := page{}
	if !formError(err, &pg, r) {
		return err
	}
	return p.showAssessment(w, r, pg)
}

func (p *Pages) ackAssessment(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	req := actions.CommentRequest{Comment: r.PostForm.Get("comment")}
	req.SetID(chi.URLParam(r, "id"))
	if _, err := p.act.AckAssessment(r.Context(), mustUser(r), req); err != nil {
		return err
	}
	return redirect(w, r, "/assessments/"+req.ID, errs.Text(errs.MsgAssessSavedFlash))
}

type flagView struct {
	store.TeamFlag
	Name string
}

func (p *Pages) teamFlagsPage(w http.ResponseWriter, r *http.Request) error {
	u := mustUser(r)
	list, err := p.act.TeamFlags(r.Context(), u, r.URL.Query().Get("county"))
	if err != nil {
		return err
	}
	var open, resolved []flagView
	for _, f := range list {
		v := flagView{TeamFlag: f, Name: errs.TeamFlagName(f.Flag)}
		if f.ResolvedAt == nil {
			open = append(open, v)
		} else {
			resolved = append(resolved, v)
		}
	}
	pg := page{Title: "队伍构成提示（第八条）", Nav: "team-flags",
		Data: map[string]any{"Open": open, "Resolved": resolved, "CanCheck": u.Role == "county_bureau"}}
	p.badge(r, &pg)
	p.render(w, r, http.StatusOK, "obligation_flags", pg)
	return nil
}

func (p *Pages) checkTeams(w http.ResponseWriter, r *http.Request) error {
	n, err := p.act.CheckTeamsNow(r.Context(), mustUser(r))
	if err != nil {
		return err
	}
	return redirect(w, r, "/team-flags", errs.Text(errs.MsgTeamsCheckedFlash, n))
}
