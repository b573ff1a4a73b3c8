package orgimport

import (
	"fmt"
	"time"

	"zhucun/store"
)

// Spec sizes a generated organisation: Counties counties of one city,
// each with TownshipsPer townships of VillagesPer villages, one team per
// village of MembersPerTeam members, sent by UnitsPerCounty county units
// and CityUnits city units. Prefix starts every id, so two generated
// organisations can live in one database.
type Spec struct {
	Prefix                                    string
	Counties, TownshipsPer, VillagesPer       int
	MembersPerTeam, UnitsPerCounty, CityUnits int
}

// Country is about the whole country's roster: 560,000 members on 140,000
// teams.
var Country = Spec{Prefix: "g", Counties: 100, TownshipsPer: 20, VillagesPer: 70, MembersPerTeam: 4,
	UnitsPerCounty: 50, CityUnits: 20}

var (
	surnames = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
	given    = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰峰辉亮斌婷雪颖")
)

// PersonName is a made-up Chinese name for the i-th person.
func PersonName(i int) string {
	s := surnames[i%len(surnames)]
	g1 := given[(i/len(surnames))%len(given)]
	g2 := given[(i/len(surnames)/len(given))%len(given)]
	if (i/7)%3 == 0 {
		return string([]rune{s, g1})
	}
	return string([]rune{s, g1, g2})
}

// Generate builds the organisation of spec: every team led by its first
// member (第一书记兼队长), everyone joined on 2025-03-01.
func Generate(spec Spec) *store.OrgImport {
	o := &store.OrgImport{}
	p := spec.Prefix
	city, cityName := p+"city", p+"示范市"
	joined := time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)
	for u := 1; u <= spec.CityUnits; u++ {
		o.Units = append(o.Units, store.ImportUnit{ID: fmt.Sprintf("%s-u%d", city, u), Name: fmt.Sprintf("%s第%d局", cityName, u),
			Level: "city", HeadName: PersonName(900000 + u), HeadPhone: fmt.Sprintf("1390000%04d", u)})
	}
	person := 0
	for c := 1; c <= spec.Counties; c++ {
		cid := fmt.Sprintf("%sc%d", p, c)
		cname := fmt.Sprintf("%s第%d县", p, c)
		o.Counties = append(o.Counties, store.ImportCounty{ID: cid, Name: cname, CityID: city, City: cityName})
		var units []string
		for u := 1; u <= spec.UnitsPerCounty; u++ {
			id := fmt.Sprintf("%s-u%d", cid, u)
			units = append(units, id)
			o.Units = append(o.Units, store.ImportUnit{ID: id, Name: fmt.Sprintf("%s第%d局", cname, u), Level: "county",
				CountyID: cid, HeadName: PersonName(800000 + c*100 + u), HeadPhone: fmt.Sprintf("1380%03d%04d", c%1000, u)})
		}
		for u := 1; u <= spec.CityUnits; u++ {
			units = append(units, fmt.Sprintf("%s-u%d", city, u))
		}
		for t := 1; t <= spec.TownshipsPer; t++ {
			tid := fmt.Sprintf("%s-t%d", cid, t)
			o.Townships = append(o.Townships, store.ImportTownship{ID: tid, Name: fmt.Sprintf("第%d镇", t), CountyID: cid})
			for v := 1; v <= spec.VillagesPer; v++ {
				vid := fmt.Sprintf("%s-v%d", tid, v)
				vname := fmt.Sprintf("第%d村", v)
				o.Villages = append(o.Villages, store.ImportVillage{ID: vid, Name: vname, TownshipID: tid})
				for m := 1; m <= spec.MembersPerTeam; m++ {
					person++
					o.Members = append(o.Members, store.ImportMember{TeamID: vid + "-team", TeamName: vname + "驻村工作队",
						VillageID: vid, ID: fmt.Sprintf("%s-m%d", vid, m), Name: PersonName(person),
						UnitID: units[person%len(units)], Phone: fmt.Sprintf("137%08d", person),
						Leader: m == 1, FirstSecretary: m == 1, Joined: joined})
				}
			}
		}
	}
	return o
}
