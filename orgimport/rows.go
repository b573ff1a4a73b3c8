package orgimport

import (
	"zhucun/store"
)

// id reads an id cell: required, in the id pattern, and not seen before in
// seen (the sheet's earlier rows). ok is false after a problem.
func (rd *reader) id(l line, header string, seen map[string]int) (string, bool) {
	v := cleanID(l.get(header))
	switch {
	case v == "":
		rd.bad(l, header, "必须填写")
		return "", false
	case !validID(v):
		rd.bad(l, header, "编号“%s”只能由字母、数字、“-”“_”“.”组成，至多 64 个字符", v)
		return "", false
	}
	if seen != nil {
		if first, dup := seen[v]; dup {
			rd.bad(l, header, "编号“%s”重复，第 %d 行已有", v, first)
			return "", false
		}
		seen[v] = l.row
	}
	return v, true
}

// text reads a required text cell.
func (rd *reader) text(l line, header string) (string, bool) {
	v := l.get(header)
	if v == "" {
		rd.bad(l, header, "必须填写")
		return "", false
	}
	if len([]rune(v)) > 100 {
		rd.bad(l, header, "超过 100 个字")
		return "", false
	}
	return v, true
}

// ref reads an id that must name a row of another sheet or of the database.
func (rd *reader) ref(l line, header string, inFile map[string]int, inDB map[string]bool, what string) (string, bool) {
	v, ok := rd.id(l, header, nil)
	if !ok {
		return "", false
	}
	if _, found := inFile[v]; !found && !inDB[v] {
		rd.bad(l, header, "未知的%s“%s”：“%s”表和系统中都没有", what, v, sheetOf[what])
		return "", false
	}
	return v, true
}

var sheetOf = map[string]string{"县区": SheetCounties, "乡镇": SheetTownships, "村": SheetVillages, "派出单位": SheetUnits}

// phone reads an optional phone number.
func (rd *reader) phone(l line, header string) string {
	v := cleanPhone(l.get(header))
	if v != "" && !validPhone(v) {
		rd.bad(l, header, "“%s”不是电话号码", v)
	}
	return v
}

func (rd *reader) county(l line) bool {
	id, ok1 := rd.id(l, colCountyID, rd.counties)
	name, ok2 := rd.text(l, colCountyName)
	city, ok3 := rd.id(l, colCityID, nil)
	cityName, ok4 := rd.text(l, colCityName)
	if ok3 && ok4 {
		if prev, seen := rd.cityName[city]; seen && prev != cityName {
			rd.bad(l, colCityName, "市“%s”前面写作“%s”，这里是“%s”", city, prev, cityName)
			ok4 = false
		}
		rd.cityName[city] = cityName
	}
	if ok1 && ok2 && ok3 && ok4 {
		rd.o.Counties = append(rd.o.Counties, store.ImportCounty{Row: l.row, ID: id, Name: name, CityID: city, City: cityName})
	}
	return true
}

func (rd *reader) township(l line) bool {
	id, ok1 := rd.id(l, colTownshipID, rd.townships)
	name, ok2 := rd.text(l, colTownship)
	county, ok3 := rd.ref(l, colCountyID, rd.counties, rd.known.Counties, "县区")
	if ok1 && ok2 && ok3 {
		rd.o.Townships = append(rd.o.Townships, store.ImportTownship{Row: l.row, ID: id, Name: name, CountyID: county})
		rd.robot(l, store.RobotOffice, id+"-committee")
	}
	return true
}

func (rd *reader) village(l line) bool {
	id, ok1 := rd.id(l, colVillageID, rd.villages)
	name, ok2 := rd.text(l, colVillage)
	tw, ok3 := rd.ref(l, colTownshipID, rd.townships, rd.known.Townships, "乡镇")
	if ok1 && ok2 && ok3 {
		rd.o.Villages = append(rd.o.Villages, store.ImportVillage{Row: l.row, ID: id, Name: name, TownshipID: tw})
	}
	return true
}

var levels = map[string]string{"市级": "city", "县级": "county", "市": "city", "县": "county"}

func (rd *reader) unit(l line) bool {
	id, ok := rd.id(l, colUnitID, rd.units)
	name, ok2 := rd.text(l, colUnitName)
	ok = ok && ok2
	level, known := levels[l.get(colLevel)]
	if !known {
		rd.bad(l, colLevel, "应为“市级”或“县级”")
		ok = false
	}
	county := cleanID(l.get(colCountyID))
	switch {
	case level == "county" && county == "":
		rd.bad(l, colCountyID, "县级单位须填写所属县区编号")
		ok = false
	case level == "county":
		county, ok2 = rd.ref(l, colCountyID, rd.counties, rd.known.Counties, "县区")
		ok = ok && ok2
	case level == "city" && county != "":
		rd.bad(l, colCountyID, "市级单位不属于县区，此列应留空")
		ok = false
	}
	head := l.get(colHead)
	if head == "" {
		rd.bad(l, colHead, "单位没有一把手：请填写单位主要负责人姓名")
		ok = false
	}
	headPhone := rd.phone(l, colHeadPhone)
	if ok {
		rd.o.Units = append(rd.o.Units, store.ImportUnit{Row: l.row, ID: id, Name: name, Level: level,
			CountyID: county, HeadName: head, HeadPhone: headPhone})
		rd.robot(l, store.RobotUnit, id)
	}
	return true
}

// roles: 职务 → leader, first secretary.
var roles = map[string][2]bool{"队长": {true, false}, "第一书记": {false, true}, "队员": {false, false},
	"第一书记兼队长": {true, true}, "队长兼第一书记": {true, true}, "第一书记（队长）": {true, true}}

func (rd *reader) member(l line) bool {
	ok := true
	check := func(v string, good bool) string { ok = ok && good; return v }
	teamID := check(rd.id(l, colTeamID, nil))
	teamName := check(rd.text(l, colTeamName))
	village := check(rd.ref(l, colVillageID, rd.villages, rd.known.Villages, "村"))
	name := check(rd.text(l, colName))
	unit := check(rd.ref(l, colUnitOf, rd.units, rd.known.Units, "派出单位"))
	role, known := roles[l.get(colRole)]
	if !known {
		rd.bad(l, colRole, "应为“队长”“第一书记”“第一书记兼队长”或“队员”")
		ok = false
	}
	joined, isDate := parseDate(l.raw(colJoined))
	if !isDate {
		rd.bad(l, colJoined, "“%s”不是日期（如 2025-03-01）", l.get(colJoined))
		ok = false
	}
	phone := rd.phone(l, colPhone)
	memberID, idOK := rd.id(l, colMemberID, nil)
	t := rd.team(l, teamID, teamName, village, ok)
	if idOK {
		if i, dup := rd.memberRow[memberID]; dup {
			prev := rd.o.Members[i]
			if prev.TeamID == teamID {
				rd.bad(l, colMemberID, "队员编号“%s”重复，第 %d 行已有", memberID, prev.Row)
			} else {
				rd.bad(l, colMemberID, "队员“%s”同时在两个工作队：第 %d 行已在“%s”", memberID, prev.Row, prev.TeamID)
			}
			ok = false
		}
	}
	ok = ok && idOK
	if known && t != nil && role[0] {
		t.leaders++
		if t.leaders == 1 {
			t.firstLeader = l.row
		} else {
			rd.bad(l, colRole, "工作队“%s”已有队长（第 %d 行），每队只能有一名队长", teamID, t.firstLeader)
		}
	}
	if !ok || t == nil {
		rd.memberRow[memberID] = -1 // a later row with the same id is still a duplicate
		return true
	}
	if !t.robot && rd.robot(l, store.RobotTeam, t.id) {
		t.robot = true // the first row that names the team's robot sets it
	}
	rd.memberRow[memberID] = int32(len(rd.o.Members))
	rd.o.Members = append(rd.o.Members, store.ImportMember{Row: l.row, TeamID: t.id, TeamName: t.name,
		VillageID: t.villageID, ID: memberID, Name: name, UnitID: unit, Phone: phone,
		Leader: role[0], FirstSecretary: role[1], Joined: joined})
	return true
}

// team is the team of a member's row: the first row of a team sets its
// name and village, later rows must agree. Teams and their strings are
// shared by their rows, which keeps a big file's memory down.
func (rd *reader) team(l line, id, name, village string, ok bool) *team {
	if id == "" {
		return nil
	}
	t, seen := rd.teams[id]
	if !seen {
		if !ok && (name == "" || village == "") {
			return nil
		}
		t = &team{first: l.row, id: id, name: name, villageID: village}
		rd.teams[id] = t
		if other, taken := rd.villageTeam[village]; taken {
			rd.bad(l, colVillageID, "村“%s”已有工作队“%s”，一村只能有一个工作队", village, other)
		} else if dbTeam := rd.known.VillageTeam[village]; dbTeam != "" && dbTeam != id {
			rd.bad(l, colVillageID, "村“%s”在系统中已有工作队“%s”", village, dbTeam)
		} else if dbVillage := rd.known.TeamVillage[id]; dbVillage != "" && dbVillage != village {
			rd.bad(l, colVillageID, "工作队“%s”在系统中驻“%s”，不能改驻其他村", id, dbVillage)
		}
		rd.villageTeam[village] = id
		return t
	}
	if name != "" && name != t.name {
		rd.bad(l, colTeamName, "工作队“%s”在第 %d 行名为“%s”，这里是“%s”", id, t.first, t.name, name)
	}
	if village != "" && village != t.villageID {
		rd.bad(l, colVillageID, "工作队“%s”在第 %d 行驻“%s”，这里是“%s”", id, t.first, t.villageID, village)
	}
	return t
}

// teamChecks: every team has its leader.
func (rd *reader) teamChecks() {
	for _, t := range rd.teams {
		if t.leaders == 0 {
			rd.add(Problem{Sheet: SheetTeams, Row: t.first, Column: rd.letter(SheetTeams, colRole), Header: colRole,
				Reason: "工作队“" + t.id + "”没有队长：须有一名职务为“队长”或“第一书记兼队长”的队员"})
		}
	}
	sortProblems(rd.problems)
}

// letter is the column letter of header in the sheet as read.
func (rd *reader) letter(sheetName, header string) string {
	if i, ok := rd.cols[sheetName][header]; ok {
		return cell(i)
	}
	return ""
}
